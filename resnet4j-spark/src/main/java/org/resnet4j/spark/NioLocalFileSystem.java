package org.resnet4j.spark;

import java.io.EOFException;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.apache.hadoop.fs.BufferedFSInputStream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSExceptionMessages;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}) without its two costs on a machine where Hadoop's native library is
 * absent (the usual case: Spark's jars carry none).
 *
 * <ul>
 *   <li><b>Permissions</b> are set with {@code java.nio} instead of a {@code chmod} process per file: Hadoop forks one
 *       for every file and directory a job writes (traced here: 72 processes and 835 {@code execve} calls for one
 *       10,000-image {@code PredictJob}). The sticky bit, which {@code java.nio} cannot set, still goes to Hadoop.
 *   <li><b>Reading</b> a file that has no {@code .crc} companion (every image of a data set not written by Hadoop)
 *       opens it once and reads it directly, instead of through the checksum reader (which would only pass the
 *       bytes on after failing to open the {@code .crc}) and Hadoop's raw stream (a status call, a 64 KB buffer and
 *       a statistics object per file); a file that has a {@code .crc} is verified exactly as before.
 * </ul>
 *
 * Everything else — the {@code .crc} files it writes, renames, listings — is Hadoop's {@link LocalFileSystem}. Used
 * through {@link #SPARK_SETTING}: {@code PredictJob} sets it for the sessions it starts itself.
 */
public final class NioLocalFileSystem extends LocalFileSystem {
    /** The Spark setting that makes {@code file:} paths use this class, on the driver and on the executors. */
    public static final String SPARK_SETTING = "spark.hadoop.fs.file.impl";

    public NioLocalFileSystem() {
        super(new Raw());
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        Raw raw = (Raw) getRawFileSystem();
        // the .crc file as getChecksumFile names it, tested with java.io.File: Hadoop's exists() would build and
        // catch a FileNotFoundException per image
        File file = raw.pathToFile(f);
        File parent = file.getParentFile();
        if (parent != null && !new File(parent, "." + file.getName() + ".crc").exists()) {
            return raw.openFile(file, f, bufferSize);
        }
        return super.open(f, bufferSize);
    }

    /** Hadoop's raw local file system with permissions set in this JVM. */
    static final class Raw extends RawLocalFileSystem {
        private static final int MAX_BUFFER = 8192;

        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            java.nio.file.Path file = pathToFile(p).toPath();
            // the sticky bit, which java.nio cannot set, and a setuid/setgid bit already there, which chmod(2) would
            // clear where Hadoop's "chmod 0755" keeps it on a directory (a shared folder's setgid group): Hadoop's way
            if (permission.getStickyBit() || (mode(file) & 06000) != 0) {
                super.setPermission(p, permission);
                return;
            }
            try {
                Files.setPosixFilePermissions(file, posix(permission));
            } catch (NoSuchFileException e) {
                throw new FileNotFoundException("File " + p + " does not exist");
            } catch (UnsupportedOperationException e) {
                super.setPermission(p, permission); // a file system without POSIX attributes
            }
        }

        /** The file's mode bits, 0 where it does not exist or the file system does not say. */
        private static int mode(java.nio.file.Path file) {
            try {
                return (Integer) Files.getAttribute(file, "unix:mode");
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return 0;
            }
        }

        /**
         * A file opened for reading as Hadoop's raw open does, for a fraction of its cost per file (profiled: its
         * directory check, 64 KB buffer and I/O statistics object took a quarter of a Spark task's time on 1 KB
         * images): one {@code open} call, which also refuses a directory or a missing file, and a buffer of at most
         * 8 KB (reads of a buffer's size or more bypass it). Bytes read still count in the file system's statistics
         * (Spark's input metrics).
         */
        FSDataInputStream openFile(File path, Path f, int bufferSize) throws IOException {
            RandomAccessFile file;
            try {
                file = new RandomAccessFile(path, "r"); // also refuses a directory: "(Is a directory)"
            } catch (FileNotFoundException e) {
                if (!path.exists()) {
                    throw new FileNotFoundException("File " + f + " does not exist"); // Hadoop's words
                }
                throw e;
            }
            return new FSDataInputStream(new BoundedStream(new FileStream(file, statistics),
                    Math.max(1, Math.min(bufferSize, MAX_BUFFER))));
        }

        /** A permission without the sticky bit prints as {@code rwxr-x---}, which is what java.nio parses. */
        static Set<PosixFilePermission> posix(FsPermission permission) {
            return PosixFilePermissions.fromString(permission.toString());
        }
    }

    /**
     * The buffer over a {@link FileStream}, with the stream contract of Hadoop's local file system (its bounded
     * stream): {@code skip} stops at the end of the file, no mark/reset.
     */
    static final class BoundedStream extends BufferedFSInputStream {
        private final FileStream file;

        BoundedStream(FileStream file, int size) {
            super(file, size);
            this.file = file;
        }

        @Override
        public long skip(long n) throws IOException {
            long left = file.length() - getPos();
            return n <= 0 || left <= 0 ? 0 : super.skip(Math.min(n, left));
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void mark(int readLimit) {}

        @Override
        public void reset() throws IOException {
            throw new IOException("mark/reset not supported");
        }
    }

    /**
     * A local file as Hadoop's seekable input stream on a {@link RandomAccessFile}; positioned reads are
     * {@link FSInputStream}'s (seek, read, seek back, argument checks and EOF as Hadoop's contract says).
     */
    static final class FileStream extends FSInputStream {
        private final RandomAccessFile file;
        private final Statistics statistics;

        FileStream(RandomAccessFile file, Statistics statistics) {
            this.file = file;
            this.statistics = statistics;
        }

        @Override
        public int read() throws IOException {
            int b = file.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = file.read(b, off, len);
            count(n);
            return n;
        }

        private void count(int n) {
            if (n > 0 && statistics != null) {
                statistics.incrementBytesRead(n);
            }
        }

        @Override
        public void seek(long pos) throws IOException {
            if (pos < 0) {
                throw new EOFException(FSExceptionMessages.NEGATIVE_SEEK);
            }
            if (pos > file.length()) {
                throw new EOFException(FSExceptionMessages.CANNOT_SEEK_PAST_EOF);
            }
            file.seek(pos);
        }

        @Override
        public long getPos() throws IOException {
            return file.getFilePointer();
        }

        long length() throws IOException {
            return file.length();
        }

        @Override
        public boolean seekToNewSource(long targetPos) {
            return false;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(0, length() - getPos()));
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
