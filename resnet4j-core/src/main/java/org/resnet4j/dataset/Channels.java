package org.resnet4j.dataset;

/** Grey <-> RGB conversion of HWC uint8 pixels. */
final class Channels {
    private Channels() {}

    /** {@code pixels} (n pixels of {@code from} channels) as {@code to} channels. */
    static byte[] convert(byte[] pixels, int from, int to) {
        if (from == to) {
            return pixels;
        }
        int n = pixels.length / from;
        byte[] out = new byte[n * to];
        if (from == 1) {
            for (int i = 0; i < n; i++) {
                byte g = pixels[i];
                out[3 * i] = g;
                out[3 * i + 1] = g;
                out[3 * i + 2] = g;
            }
        } else {
            // ITU-R BT.601 luma in PIL's 16-bit fixed point (Convert.c's L24), as convert("L") and torchvision's Grayscale
            for (int i = 0; i < n; i++) {
                int r = pixels[3 * i] & 0xFF;
                int g = pixels[3 * i + 1] & 0xFF;
                int b = pixels[3 * i + 2] & 0xFF;
                out[i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
            }
        }
        return out;
    }

    /** The set with {@code to} channels (0 = unchanged). */
    static ImageSet convert(ImageSet set, int to) {
        if (set == null || to == 0 || set.channels() == to) {
            return set;
        }
        return new ImageSet(set.name(), set.classes(), to, set.height(), set.width(),
                convert(set.pixels(), set.channels(), to), set.labels());
    }
}
