package org.resnet4j.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.resnet4j.ResNet4jException;
import org.resnet4j.util.AtomicFiles;

/**
 * A directory, or a zip read in place through the JDK's zip file system, seen as one directory tree.
 * Readers locate their files under {@link #root()} and name them with {@link #describe(Path)}.
 */
final class DataRoot implements AutoCloseable {
    private final Path source;
    private final Path root;
    private final FileSystem zip;

    private DataRoot(Path source, Path root, FileSystem zip) {
        this.source = source;
        this.root = root;
        this.zip = zip;
    }

    /** Opens {@code path}: a directory as is, a zip (by content, whatever its name) as its root. */
    static DataRoot open(Path path) {
        if (!Files.exists(path)) {
            throw new ResNet4jException(path + ": no such file or directory");
        }
        if (Files.isDirectory(path)) {
            return new DataRoot(path, path, null);
        }
        if (!isZip(path)) {
            if (path.getFileName().toString().toLowerCase().endsWith(".zip")) {
                throw new ResNet4jException(path + ": not a zip file (no zip signature at the start)");
            }
            return new DataRoot(path, path, null);
        }
        try {
            FileSystem fs = FileSystems.newFileSystem(path, Map.of());
            return new DataRoot(path, fs.getPath("/"), fs);
        } catch (ZipException e) {
            throw new ResNet4jException(path + ": not a valid zip file (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + path + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** The directory tree to read; for a plain file (not a zip) the file itself. */
    Path root() {
        return root;
    }

    Path source() {
        return source;
    }

    /** Whether {@link #root()} is the inside of a zip. */
    boolean isZip() {
        return zip != null;
    }

    /** How error messages name a file: its path, or {@code archive.zip!/inner/path} inside a zip. */
    String describe(Path p) {
        return zip == null ? p.toString() : source + "!" + p;
    }

    /** The first of {@code names} that exists in {@code dir}, or null. */
    static Path firstExisting(Path dir, String... names) {
        for (String n : names) {
            Path p = dir.resolve(n);
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }

    /** All bytes of a file, gunzipped when it starts with the gzip signature. */
    byte[] readMaybeGzipped(Path p) {
        byte[] raw = read(p);
        if (raw.length >= 2 && (raw[0] & 0xFF) == 0x1F && (raw[1] & 0xFF) == 0x8B) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new ResNet4jException(describe(p) + ": corrupt gzip data (" + AtomicFiles.describe(e) + ")", e);
            }
        }
        return raw;
    }

    byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + describe(p) + ": " + AtomicFiles.describe(e), e);
        }
    }

    static boolean isZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] sig = in.readNBytes(4);
            return sig.length == 4 && sig[0] == 'P' && sig[1] == 'K' && (sig[2] == 3 || sig[2] == 5) && (sig[3] == 4 || sig[3] == 6);
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
        }
    }

    @Override
    public void close() {
        if (zip != null) {
            try {
                zip.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
        }
    }
}
