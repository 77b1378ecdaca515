package org.resnet4j.dataset;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A short, stable hash of a data set's content (classes, shapes, labels, pixels), for provenance; for
 * indexed files, of their names instead of their pixels (reading them all would cost an epoch).
 */
final class Fingerprint {
    private Fingerprint() {}

    static String of(List<String> classes, Samples... splits) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(String.join("\n", classes).getBytes(StandardCharsets.UTF_8));
        for (Samples s : splits) {
            if (s == null) {
                sha.update((byte) 0);
                continue;
            }
            ByteBuffer header = ByteBuffer.allocate(16 + 4 * s.size());
            if (s instanceof ImageSet set) {
                header.putInt(s.size()).putInt(set.channels()).putInt(set.height()).putInt(set.width());
            } else {
                header.putInt(s.size()).putInt(-1).putInt(-1).putInt(-1);
            }
            for (int l : s.labels()) {
                header.putInt(l);
            }
            sha.update(header.array());
            if (s instanceof ImageSet set) {
                sha.update(set.pixels());
            } else {
                ImageFiles files = (ImageFiles) s;
                for (int i = 0; i < files.size(); i++) {
                    sha.update(files.fileName(i).getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) '\n');
                }
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }
}
