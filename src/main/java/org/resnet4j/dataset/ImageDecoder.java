package org.resnet4j.dataset;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/** Decodes JPEG, PNG and BMP bytes to HWC uint8 pixels, grey (1 channel) or RGB (3 channels). */
final class ImageDecoder {
    /** A decoded image. */
    record Decoded(int height, int width, int channels, byte[] pixels) {}

    static {
        ImageIO.setUseCache(false); // decode in memory, no temporary files
    }

    private ImageDecoder() {}

    /** The decoded image, or null when the bytes are not an image ImageIO can read. */
    static Decoded decode(byte[] bytes) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (img == null || img.getWidth() <= 0 || img.getHeight() <= 0) {
            return null;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        Raster raster = img.getRaster();
        boolean plainBytes = img.getColorModel() instanceof ComponentColorModel && raster.getTransferType() == DataBuffer.TYPE_BYTE;
        int csType = img.getColorModel().getColorSpace().getType();
        if (plainBytes && csType == ColorSpace.TYPE_GRAY) {
            // raw samples: getRGB would gamma-convert a linear grey colour space
            byte[] out = new byte[w * h];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = (byte) row[x];
                }
            }
            return new Decoded(h, w, 1, out);
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
            return new Decoded(h, w, 3, out);
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w); // palettes, 16-bit, packed ints
        boolean grey = true;
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            int r = (p >> 16) & 0xFF;
            int g = (p >> 8) & 0xFF;
            int b = p & 0xFF;
            grey &= r == g && g == b;
            out[3 * i] = (byte) r;
            out[3 * i + 1] = (byte) g;
            out[3 * i + 2] = (byte) b;
        }
        if (grey && img.getColorModel().getNumColorComponents() == 1) {
            byte[] g = new byte[w * h];
            for (int i = 0; i < g.length; i++) {
                g[i] = out[3 * i];
            }
            return new Decoded(h, w, 1, g);
        }
        return new Decoded(h, w, 3, out);
    }
}
