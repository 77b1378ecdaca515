package org.resnet4j.dataset;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.resnet4j.ResNet4jException;

/**
 * Extracts a {@code .tar.gz}: 512-byte ustar headers (with GNU long names), regular files and
 * directories only. An entry that would land outside the target directory is refused.
 */
final class TarGzExtractor {
    private static final int BLOCK = 512;

    private TarGzExtractor() {}

    static void extract(Path archive, Path targetDir) {
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(archive), 1 << 16), 1 << 16)) {
            Path root = targetDir.toAbsolutePath().normalize();
            String longName = null;
            byte[] header = new byte[BLOCK];
            while (true) {
                if (in.readNBytes(header, 0, BLOCK) < BLOCK) {
                    throw new ResNet4jException(archive + ": truncated tar archive");
                }
                if (allZero(header)) {
                    return; // end-of-archive marker
                }
                String name = longName != null ? longName : field(header, 0, 100);
                longName = null;
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty() && header[257] == 'u') {
                    name = prefix + "/" + name;
                }
                long size = octal(archive, header, 124, 12);
                char type = (char) header[156];
                if (type == 'L') {
                    longName = new String(readExactly(archive, in, size), StandardCharsets.UTF_8).replace("\0", "");
                    skipPadding(archive, in, size);
                    continue;
                }
                Path target = root.resolve(name).normalize();
                if (!target.startsWith(root) || name.startsWith("/")) {
                    throw new ResNet4jException(archive + ": entry '" + name + "' would be written outside " + targetDir);
                }
                if (type == '5') {
                    Files.createDirectories(target);
                } else if (type == '0' || type == '\0') {
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target)) {
                        copy(archive, in, out, size);
                    }
                    skipPadding(archive, in, size);
                    continue;
                }
                skip(archive, in, size); // links, pax headers and the like carry nothing CIFAR needs
                skipPadding(archive, in, size);
            }
        } catch (IOException e) {
            throw new ResNet4jException(archive + ": cannot extract (" + org.resnet4j.util.AtomicFiles.describe(e) + ")", e);
        }
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String field(byte[] h, int at, int len) {
        int end = at;
        while (end < at + len && h[end] != 0) {
            end++;
        }
        return new String(h, at, end - at, StandardCharsets.UTF_8);
    }

    private static long octal(Path archive, byte[] h, int at, int len) {
        String s = field(h, at, len).trim();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new ResNet4jException(archive + ": not a tar archive (bad size field '" + s + "')");
        }
    }

    private static byte[] readExactly(Path archive, InputStream in, long size) throws IOException {
        byte[] b = in.readNBytes((int) size);
        if (b.length < size) {
            throw new ResNet4jException(archive + ": truncated tar archive");
        }
        return b;
    }

    private static void copy(Path archive, InputStream in, OutputStream out, long size) throws IOException {
        byte[] buf = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new ResNet4jException(archive + ": truncated tar archive");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static void skip(Path archive, InputStream in, long size) throws IOException {
        copy(archive, in, OutputStream.nullOutputStream(), size);
    }

    private static void skipPadding(Path archive, InputStream in, long size) throws IOException {
        long pad = (BLOCK - size % BLOCK) % BLOCK;
        skip(archive, in, pad);
    }
}
