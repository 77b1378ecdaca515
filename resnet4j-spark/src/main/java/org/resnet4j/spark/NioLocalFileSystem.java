package org.resnet4j.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
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
 *       goes straight to the raw stream instead of through the checksum reader, which would only pass the bytes on;
 *       a file that has one is verified exactly as before.
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
        // java.io.File.exists: Hadoop's exists() would build and catch a FileNotFoundException per image
        if (!((RawLocalFileSystem) getRawFileSystem()).pathToFile(getChecksumFile(f)).exists()) {
            return getRawFileSystem().open(f, bufferSize);
        }
        return super.open(f, bufferSize);
    }

    /** Hadoop's raw local file system with permissions set in this JVM. */
    static final class Raw extends RawLocalFileSystem {
        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            if (permission.getStickyBit()) {
                super.setPermission(p, permission);
                return;
            }
            java.nio.file.Path file = pathToFile(p).toPath();
            try {
                Files.setPosixFilePermissions(file, posix(permission));
            } catch (NoSuchFileException e) {
                throw new FileNotFoundException("File " + p + " does not exist");
            } catch (UnsupportedOperationException e) {
                super.setPermission(p, permission); // a file system without POSIX attributes
            }
        }

        static Set<PosixFilePermission> posix(FsPermission permission) {
            Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
            add(set, permission.getUserAction(), PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE);
            add(set, permission.getGroupAction(), PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.GROUP_EXECUTE);
            add(set, permission.getOtherAction(), PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.OTHERS_EXECUTE);
            return set;
        }

        private static void add(Set<PosixFilePermission> set, FsAction action, PosixFilePermission read,
                PosixFilePermission write, PosixFilePermission execute) {
            if (action.implies(FsAction.READ)) {
                set.add(read);
            }
            if (action.implies(FsAction.WRITE)) {
                set.add(write);
            }
            if (action.implies(FsAction.EXECUTE)) {
                set.add(execute);
            }
        }
    }
}
