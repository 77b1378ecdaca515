package org.resnet4j.dataset;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** A short, stable hash of a data set's content (classes, shapes, labels, pixels), for provenance. */
final class Fingerprint {
    private Fingerprint() {}

    static String of(List<String> classes, ImageSet... splits) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(String.join("\n", classes).getBytes(StandardCharsets.UTF_8));
        for (ImageSet s : splits) {
            if (s == null) {
                sha.update((byte) 0);
                continue;
            }
            ByteBuffer header = ByteBuffer.allocate(16 + 4 * s.size());
            header.putInt(s.size()).putInt(s.channels()).putInt(s.height()).putInt(s.width());
            for (int l : s.labels()) {
                header.putInt(l);
            }
            sha.update(header.array());
            sha.update(s.pixels());
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }
}
