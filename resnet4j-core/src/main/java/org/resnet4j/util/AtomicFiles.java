package org.resnet4j.util;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.resnet4j.ResNet4jException;

/** Writes files so that a reader sees either the old content or the new one, never a torn file. */
public final class AtomicFiles {

    /** Writes the content produced by {@code writer}. */
    @FunctionalInterface
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    public static void writeString(Path target, String content) {
        write(target, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
    }

    public static void writeBytes(Path target, byte[] content) {
        write(target, out -> out.write(content));
    }

    /** Writes to a temporary file beside {@code target}, syncs it, then renames it over target. */
    public static void write(Path target, StreamWriter writer) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            readableByAll(tmp, "rw-r--r--");
            try (var channel = java.nio.channels.FileChannel.open(tmp,
                            java.nio.file.StandardOpenOption.WRITE);
                    OutputStream out = new java.io.BufferedOutputStream(
                            java.nio.channels.Channels.newOutputStream(channel), 1 << 16)) {
                writer.write(out);
                out.flush();
                channel.force(true);
            }
            move(tmp, target);
            tmp = null;
        } catch (IOException | UncheckedIOException e) {
            throw new ResNet4jException("cannot write " + target + ": " + describe(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and harmless
                }
            }
        }
    }

    /** Fills a directory. */
    @FunctionalInterface
    public interface DirectoryWriter {
        void write(Path dir) throws IOException;
    }

    /**
     * Writes a whole directory beside {@code target}, then swaps it in: readers see the old
     * directory or the complete new one. What the old directory holds that the writer did not write
     * (a user's notes) is moved into the new one: only the writer's own files are replaced.
     */
    public static void replaceDirectory(Path target, DirectoryWriter writer) {
        Path abs = target.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(abs.getParent());
            tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".tmp");
            readableByAll(tmp, "rwxr-xr-x");
            writer.write(tmp);
            Path old = null;
            if (Files.isDirectory(abs)) {
                try (var entries = Files.list(abs)) {
                    for (Path e : entries.toList()) {
                        Path keep = tmp.resolve(e.getFileName().toString());
                        if (!Files.exists(keep, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                            Files.move(e, keep, StandardCopyOption.ATOMIC_MOVE);
                        }
                    }
                }
            }
            if (Files.exists(abs)) {
                old = abs.resolveSibling("." + abs.getFileName() + ".old" + System.nanoTime());
                Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            if (old != null) {
                deleteTree(old);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ResNet4jException("cannot write " + target + ": " + describe(e), e);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    /**
     * Throws a one-line error naming {@code flag} unless {@code dir} is a writable directory or can
     * be created as one; creates nothing, so a command can check its output before it computes.
     */
    public static void requireWritableDirectory(Path dir, String flag) {
        Path p = dir.toAbsolutePath().normalize();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        String why = p == null ? "no such file system" : !Files.isDirectory(p) ? p + " is not a directory"
                : !Files.isWritable(p) ? "permission denied" : null;
        if (why != null) {
            throw new ResNet4jException(flag + " " + dir + ": cannot write there (" + why + ")");
        }
    }

    /** Temporary files are private (0600); what replaces a user's file should be as readable as a normal one. */
    private static void readableByAll(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the defaults
        }
    }

    /** Deletes a directory tree, best effort. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Atomically replaces {@code target} with {@code source} (same file system). */
    public static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A short human description of an I/O failure ("No space left on device", "permission denied"). */
    public static String describe(Throwable e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
