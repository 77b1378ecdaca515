package org.resnet4j.util;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * TorchScript modules written in Java, for the engine operations DJL does not reach: the archive of
 * a module without parameters, laid out as {@code torch.jit.save} (PyTorch 1.13) writes it, loaded
 * through DJL's {@code JniUtils.loadModule}. Nothing ships and nothing needs Python.
 */
public final class TorchScript {
    private TorchScript() {}

    /**
     * Compiles and loads module class {@code name} into {@code manager} (it is closed with it).
     * {@code methods} are its methods as TorchScript source, each {@code def m(self: __torch__.NAME,
     * ...)} indented by two spaces; the engine's exception where it cannot compile them.
     */
    public static PtSymbolBlock load(NDManager manager, String name, String methods) {
        String code = "class " + name + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + methods;
        try {
            return JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(archive(name, code)), false, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The archive of module class {@code name} whose source (as in an archive's {@code
     * code/__torch__.py}) is {@code code}: the code, the pickled module object (its only attribute is
     * {@code training}), the pickled constants (none) and the format version.
     */
    private static byte[] archive(String name, String code) {
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
