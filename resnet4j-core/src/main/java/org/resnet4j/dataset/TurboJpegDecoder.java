package org.resnet4j.dataset;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Decodes JPEG with libjpeg-turbo's TurboJPEG API (Debian's {@code libturbojpeg-java} and
 * {@code libturbojpeg0}), SIMD-accelerated and able to decode at 1/8 to 7/8 of the size, with
 * the accurate integer DCT and smooth chroma upsampling of libjpeg's defaults (PIL's, so the pixels
 * are PIL's); everything else goes to {@link ImageIoDecoder}.
 *
 * <p>The Java API is loaded at run time from the system's jar, in a class loader of its own that
 * points its native library at {@code libturbojpeg.so.0} (Debian installs no unversioned
 * {@code libturbojpeg.so} without the -dev package), so nothing native is needed to build ResNet4J.
 */
final class TurboJpegDecoder implements Decoder {
    static final List<Path> JARS = List.of(Path.of("/usr/share/java/turbojpeg.jar"));
    static final List<Path> LIBRARIES = List.of(Path.of("/usr/lib/x86_64-linux-gnu/libturbojpeg.so.0"),
            Path.of("/usr/lib/aarch64-linux-gnu/libturbojpeg.so.0"), Path.of("/usr/lib64/libturbojpeg.so.0"),
            Path.of("/usr/lib/libturbojpeg.so.0"));
    private static final int PF_RGB = 0;
    private static final int PF_GRAY = 6;
    private static final int CS_GRAY = 2;
    private static final int ERR_WARNING = 0;

    private final MethodHandle create;
    private final MethodHandle setSource;
    private final MethodHandle width;
    private final MethodHandle height;
    private final MethodHandle colorspace;
    private final MethodHandle decompress;
    private final MethodHandle errorCode;
    private final Class<?> tjException;
    private final ThreadLocal<Object> decompressors;

    private TurboJpegDecoder(ClassLoader loader) throws ReflectiveOperationException {
        Class<?> d = Class.forName("org.libjpegturbo.turbojpeg.TJDecompressor", true, loader);
        tjException = Class.forName("org.libjpegturbo.turbojpeg.TJException", true, loader);
        MethodHandles.Lookup l = MethodHandles.publicLookup();
        create = l.findConstructor(d, MethodType.methodType(void.class));
        setSource = l.findVirtual(d, "setSourceImage", MethodType.methodType(void.class, byte[].class, int.class));
        width = l.findVirtual(d, "getWidth", MethodType.methodType(int.class));
        height = l.findVirtual(d, "getHeight", MethodType.methodType(int.class));
        colorspace = l.findVirtual(d, "getColorspace", MethodType.methodType(int.class));
        decompress = l.findVirtual(d, "decompress", MethodType.methodType(void.class, byte[].class, int.class, int.class,
                int.class, int.class, int.class, int.class, int.class));
        errorCode = l.findVirtual(tjException, "getErrorCode", MethodType.methodType(int.class));
        decompressors = ThreadLocal.withInitial(() -> {
            try {
                return create.invoke();
            } catch (Throwable e) {
                throw new IllegalStateException("TurboJPEG: cannot create a decompressor: " + e, e);
            }
        });
    }

    /** The decoder, or null with the reason in {@code why[0]} when libjpeg-turbo's Java API is not installed. */
    static TurboJpegDecoder load(String[] why) {
        Path jar = JARS.stream().filter(Files::isRegularFile).findFirst().orElse(null);
        Path lib = LIBRARIES.stream().filter(Files::isRegularFile).findFirst().orElse(null);
        if (jar == null || lib == null) {
            why[0] = (jar == null ? JARS.get(0) : lib == null ? LIBRARIES.get(0) : "") + " not found (apt-get install libturbojpeg-java "
                    + "libturbojpeg0, or bash .ci/install)";
            return null;
        }
        try {
            ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, TurboJpegDecoder.class.getClassLoader()) {
                @Override
                protected String findLibrary(String name) {
                    return "turbojpeg".equals(name) ? lib.toString() : super.findLibrary(name);
                }
            };
            TurboJpegDecoder decoder = new TurboJpegDecoder(loader);
            decoder.decompressors.get(); // loads the native library now, not in the middle of an epoch
            return decoder;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError | java.net.MalformedURLException e) {
            why[0] = "cannot load libjpeg-turbo from " + jar + " and " + lib + " (" + e + ")";
            return null;
        }
    }

    @Override
    public String name() {
        return "libjpeg-turbo (TurboJPEG)";
    }

    static boolean isJpeg(byte[] b) {
        return b.length > 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
    }

    @Override
    public int[] reducibleSize(byte[] bytes) {
        if (!isJpeg(bytes)) {
            return null;
        }
        Object d = decompressors.get();
        try {
            setSource.invoke(d, bytes, bytes.length);
            return new int[] {(int) height.invoke(d), (int) width.invoke(d)};
        } catch (Throwable e) {
            return null; // decode() reports the problem
        }
    }

    @Override
    public Picture decode(byte[] bytes) {
        return decode(bytes, 8);
    }

    @Override
    public Picture decode(byte[] bytes, int eighths) {
        if (!isJpeg(bytes)) {
            return ImageIoDecoder.INSTANCE.decode(bytes);
        }
        Object d = decompressors.get();
        int w;
        int h;
        boolean grey;
        try {
            setSource.invoke(d, bytes, bytes.length);
            w = (int) width.invoke(d);
            h = (int) height.invoke(d);
            grey = (int) colorspace.invoke(d) == CS_GRAY;
        } catch (Throwable e) {
            throw failure(e);
        }
        int m = Math.max(1, Math.min(8, eighths));
        int sw = (w * m + 7) / 8; // TurboJPEG's scaled size for the factor m/8, the largest that fits
        int sh = (h * m + 7) / 8;
        int c = grey ? 1 : 3;
        byte[] out = new byte[sw * sh * c];
        try {
            decompress.invoke(d, out, 0, 0, sw, sw * c, sh, grey ? PF_GRAY : PF_RGB, 0);
        } catch (Throwable e) {
            if (!tjException.isInstance(e) || code(e) != ERR_WARNING || ImageIoDecoder.isTruncation(String.valueOf(e.getMessage()))) {
                throw failure(e);
            }
            // other warnings (extraneous bytes, ...) leave a whole picture, which PIL accepts too
        }
        return Picture.ofBytes(sh, sw, c, out);
    }

    private int code(Throwable e) {
        try {
            return (int) errorCode.invoke(e);
        } catch (Throwable t) {
            return -1;
        }
    }

    private ImageDecodeException failure(Throwable e) {
        if (e instanceof InvocationTargetException ite && ite.getCause() != null) {
            e = ite.getCause();
        }
        if (e instanceof Error err && !(e instanceof LinkageError)) {
            throw err;
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new ImageDecodeException(ImageIoDecoder.isTruncation(m) ? "truncated image (" + m + ")"
                : "cannot decode this JPEG (" + m + ")");
    }
}
