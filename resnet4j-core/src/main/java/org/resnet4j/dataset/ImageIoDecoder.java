package org.resnet4j.dataset;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG, PNG, BMP and GIF with Java's ImageIO (pure Java; the fallback where libjpeg-turbo is
 * not installed, and the decoder of everything that is not a JPEG). A JPEG that ends early is an
 * error, as in PIL, not a picture with a grey bottom.
 */
final class ImageIoDecoder implements Decoder {
    static final ImageIoDecoder INSTANCE = new ImageIoDecoder();

    static {
        ImageIO.setUseCache(false); // decode in memory, no temporary files
    }

    private ImageIoDecoder() {}

    @Override
    public String name() {
        return "Java ImageIO";
    }

    @Override
    public int[] reducibleSize(byte[] bytes) {
        return null;
    }

    @Override
    public Picture decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new ImageDecodeException("empty image file");
        }
        BufferedImage img;
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException("not an image (no JPEG, PNG, BMP or GIF signature)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageDecodeException d) {
                throw d;
            }
            throw new ImageDecodeException("cannot decode this image (" + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()) + ")");
        }
        for (String w : warnings) {
            if (isTruncation(w)) {
                throw new ImageDecodeException("truncated image (" + w + ")");
            }
        }
        if (img == null || img.getWidth() <= 0 || img.getHeight() <= 0) {
            throw new ImageDecodeException("cannot decode this image");
        }
        return toPicture(img);
    }

    /** Whether a decoder warning means the data ended early. */
    static boolean isTruncation(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.contains("premature end") || w.contains("truncated") || w.contains("missing eoi");
    }

    /** HWC bytes: grey from the raster (getRGB would gamma-convert a linear grey colour space), else RGB. */
    static Picture toPicture(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        Raster raster = img.getRaster();
        boolean plainBytes = img.getColorModel() instanceof ComponentColorModel && raster.getTransferType() == DataBuffer.TYPE_BYTE;
        int csType = img.getColorModel().getColorSpace().getType();
        boolean grey = !(img.getColorModel() instanceof IndexColorModel) && img.getColorModel().getNumColorComponents() == 1;
        if (grey) {
            int bits = img.getColorModel().getComponentSize(0);
            byte[] out = new byte[w * h];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = bits > 8 ? row[x] >>> (bits - 8) : bits < 8 ? row[x] * 255 / ((1 << bits) - 1) : row[x];
                    out[y * w + x] = (byte) v;
                }
            }
            return Picture.ofBytes(h, w, 1, out);
        }
        byte[] out = new byte[w * h * 3];
        if (plainBytes && csType == ColorSpace.TYPE_RGB && raster.getNumBands() >= 3) {
            int bands = raster.getNumBands();
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    out[o] = (byte) row[x * bands];
                    out[o + 1] = (byte) row[x * bands + 1];
                    out[o + 2] = (byte) row[x * bands + 2];
                }
            }
            return Picture.ofBytes(h, w, 3, out);
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w); // palettes, 16-bit, packed ints
        for (int i = 0; i < argb.length; i++) {
            out[3 * i] = (byte) (argb[i] >> 16);
            out[3 * i + 1] = (byte) (argb[i] >> 8);
            out[3 * i + 2] = (byte) argb[i];
        }
        return Picture.ofBytes(h, w, 3, out);
    }
}
