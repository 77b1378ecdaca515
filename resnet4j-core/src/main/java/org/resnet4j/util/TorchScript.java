package org.resnet4j.util;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * TorchScript archives written in Java, for the few engine operations DJL does not reach: the
 * archive of a module without parameters, laid out as {@code torch.jit.save} (PyTorch 1.13) writes
 * it, which DJL's {@code JniUtils.loadModule} loads. Nothing ships and nothing needs Python.
 */
public final class TorchScript {
    private TorchScript() {}

    /**
     * The archive of module class {@code name} whose TorchScript source (the class, as in an
     * archive's {@code code/__torch__.py}) is {@code code}: the code, the pickled module object (its
     * only attribute is {@code training}), the pickled constants (none) and the format version.
     */
    public static byte[] archive(String name, String code) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        // pickle protocol 2: __torch__.NAME() with state {"training": True}
        data.writeBytes(new byte[] {(byte) 0x80, 2, 'c'});
        data.writeBytes(("__torch__\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        data.writeBytes(new byte[] {')', (byte) 0x81, '}', '(', 'X', 8, 0, 0, 0});
        data.writeBytes("training".getBytes(StandardCharsets.US_ASCII));
        data.writeBytes(new byte[] {(byte) 0x88, 'u', 'b', '.'});
        byte[] constants = {(byte) 0x80, 2, ')', '.'}; // the empty tuple
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            String dir = name.toLowerCase(Locale.ROOT) + "/";
            stored(out, dir + "data.pkl", data.toByteArray());
            stored(out, dir + "code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            stored(out, dir + "constants.pkl", constants);
            stored(out, dir + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return zip.toByteArray();
    }

    /** An uncompressed entry, as PyTorch writes its archives. */
    private static void stored(ZipOutputStream out, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        e.setCrc(crc.getValue());
        out.putNextEntry(e);
        out.write(bytes);
        out.closeEntry();
    }
}
