package org.resnet4j.dataset;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decoder to use: libjpeg-turbo where installed (about 1.6 times ImageIO's speed on photos, and
 * decoding at reduced sizes; BENCHMARKS.md), else Java's ImageIO with a one-line notice.
 * For comparisons, {@code RESNET4J_DECODER=imageio} forces ImageIO and {@code RESNET4J_DECODER=turbojpeg-full}
 * libjpeg-turbo without decoding at reduced sizes.
 */
public final class Decoders {
    private static final Logger LOG = LoggerFactory.getLogger(Decoders.class);
    private static volatile Decoder best;

    private Decoders() {}

    public static Decoder best() {
        Decoder d = best;
        if (d == null) {
            synchronized (Decoders.class) {
                if (best == null) {
                    best = choose();
                }
                d = best;
            }
        }
        return d;
    }

    /** Java's ImageIO, whatever is installed. */
    public static Decoder imageIo() {
        return ImageIoDecoder.INSTANCE;
    }

    private static Decoder choose() {
        if ("imageio".equalsIgnoreCase(System.getenv("RESNET4J_DECODER"))) {
            return ImageIoDecoder.INSTANCE;
        }
        String[] why = new String[1];
        Decoder turbo = TurboJpegDecoder.load(why);
        if (turbo != null && "turbojpeg-full".equalsIgnoreCase(System.getenv("RESNET4J_DECODER"))) {
            return new Decoder() {
                @Override
                public Picture decode(byte[] bytes) {
                    return turbo.decode(bytes);
                }

                @Override
                public int[] reducibleSize(byte[] bytes) {
                    return null;
                }

                @Override
                public String name() {
                    return turbo.name() + ", full size only";
                }
            };
        }
        if (turbo != null) {
            return turbo;
        }
        LOG.warn("JPEG decoding with Java ImageIO, slower than libjpeg-turbo: {}", why[0]);
        return ImageIoDecoder.INSTANCE;
    }
}
