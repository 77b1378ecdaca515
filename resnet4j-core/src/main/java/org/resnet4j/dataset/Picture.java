package org.resnet4j.dataset;

import java.util.Arrays;

/**
 * One image: {@code height x width x channels} values in HWC order (channels interleaved), as bytes
 * 0..255 (decoded pixels, what PIL holds) or as floats (after {@link ToFloat}, what a torchvision
 * tensor holds). Geometric transforms work on both; the resize and colour transforms on bytes.
 */
public final class Picture {
    private final int height;
    private final int width;
    private final int channels;
    private final byte[] bytes;
    private final float[] floats;

    private Picture(int height, int width, int channels, byte[] bytes, float[] floats) {
        if (height < 1 || width < 1 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("a picture is at least 1x1 with 1 or 3 channels, not " + channels + "x"
                    + height + "x" + width);
        }
        int n = bytes != null ? bytes.length : floats.length;
        if ((long) height * width * channels != n) {
            throw new IllegalArgumentException(n + " values for a picture of " + channels + "x" + height + "x" + width);
        }
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.bytes = bytes;
        this.floats = floats;
    }

    public static Picture ofBytes(int height, int width, int channels, byte[] pixels) {
        return new Picture(height, width, channels, pixels, null);
    }

    public static Picture ofFloats(int height, int width, int channels, float[] values) {
        return new Picture(height, width, channels, null, values);
    }

    /** A decoded AWT image: grey or RGB bytes, as a decoder gives them. */
    public static Picture of(java.awt.image.BufferedImage image) {
        return ImageIoDecoder.toPicture(image);
    }

    public int height() { return height; }
    public int width() { return width; }
    public int channels() { return channels; }
    public boolean isFloat() { return floats != null; }

    /** The backing bytes (not a copy); an error for a float picture. */
    public byte[] bytes() {
        if (bytes == null) {
            throw new IllegalStateException("a float picture has no bytes (byte transforms go before ToFloat)");
        }
        return bytes;
    }

    /** The backing floats (not a copy); an error for a byte picture. */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("a byte picture has no floats (float transforms go after ToFloat)");
        }
        return floats;
    }

    /** A picture of the same kind (bytes or floats) and channels, all zero. */
    Picture blank(int h, int w) {
        int n = h * w * channels;
        return bytes != null ? ofBytes(h, w, channels, new byte[n]) : ofFloats(h, w, channels, new float[n]);
    }

    private Object array() {
        return bytes != null ? bytes : floats;
    }

    /**
     * The rectangle at ({@code top}, {@code left}) of {@code h x w} pixels as a new picture; pixels
     * outside this picture are 0, as PIL's {@code crop} (torchvision's {@code F.crop}) makes them.
     */
    public Picture crop(int top, int left, int h, int w) {
        if (top == 0 && left == 0 && h == height && w == width) {
            return this;
        }
        Picture out = blank(h, w);
        int y0 = Math.max(0, top);
        int y1 = Math.min(height, top + h);
        int x0 = Math.max(0, left);
        int x1 = Math.min(width, left + w);
        if (x0 < x1) {
            for (int y = y0; y < y1; y++) {
                System.arraycopy(array(), (y * width + x0) * channels, out.array(), ((y - top) * w + (x0 - left)) * channels,
                        (x1 - x0) * channels);
            }
        }
        return out;
    }

    /** Mirrored left to right. */
    public Picture flipHorizontal() {
        Picture out = blank(height, width);
        int c = channels;
        for (int y = 0; y < height; y++) {
            int row = y * width * c;
            for (int x = 0; x < width; x++) {
                int from = row + x * c;
                int to = row + (width - 1 - x) * c;
                if (bytes != null) {
                    for (int k = 0; k < c; k++) {
                        out.bytes[to + k] = bytes[from + k];
                    }
                } else {
                    for (int k = 0; k < c; k++) {
                        out.floats[to + k] = floats[from + k];
                    }
                }
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Picture p && p.height == height && p.width == width && p.channels == channels
                && Arrays.equals(p.bytes, bytes) && Arrays.equals(p.floats, floats);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(bytes) + Arrays.hashCode(floats);
    }

    @Override
    public String toString() {
        return "Picture[" + channels + "x" + height + "x" + width + (isFloat() ? ", float" : ", bytes") + "]";
    }
}
