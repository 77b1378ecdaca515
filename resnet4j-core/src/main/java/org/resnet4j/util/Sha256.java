package org.resnet4j.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.resnet4j.ResNet4jException;

/** The SHA-256 of a file, in hex: how provenance names the exact file weights came from. */
public final class Sha256 {
    private Sha256() {}

    public static String of(Path file) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0;) {
                sha.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
