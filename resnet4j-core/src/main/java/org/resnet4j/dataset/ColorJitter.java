package org.resnet4j.dataset;

import java.util.SplittableRandom;

/**
 * torchvision's {@code ColorJitter(brightness, contrast, saturation, hue)} on PIL images: the four
 * adjustments in a random order, each with a factor drawn uniformly from [1 - x, 1 + x] (hue: a shift
 * in [-x, x] turns), with PIL's arithmetic ({@code ImageEnhance}, {@code Image.blend}, HSV conversion).
 */
public final class ColorJitter implements Transform<ColorJitter.Factors> {
    /**
     * The drawn adjustments: {@code order} lists 0 brightness, 1 contrast, 2 saturation, 3 hue in the
     * order applied; a NaN factor is an adjustment not made.
     */
    public record Factors(int[] order, double brightness, double contrast, double saturation, double hue) {}

    private final double brightness;
    private final double contrast;
    private final double saturation;
    private final double hue;

    public ColorJitter(double brightness, double contrast, double saturation, double hue) {
        if (!(brightness >= 0 && contrast >= 0 && saturation >= 0 && hue >= 0 && hue <= 0.5)) {
            throw new IllegalArgumentException("ColorJitter needs factors >= 0 and hue <= 0.5");
        }
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
        this.hue = hue;
    }

    @Override
    public Factors draw(SplittableRandom random, int height, int width) {
        int[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new Factors(order, factor(random, brightness), factor(random, contrast), factor(random, saturation),
                hue > 0 ? -hue + 2 * hue * random.nextDouble() : Double.NaN);
    }

    private static double factor(SplittableRandom random, double x) {
        if (x == 0) {
            return Double.NaN;
        }
        double lo = Math.max(0, 1 - x);
        return lo + (1 + x - lo) * random.nextDouble();
    }

    @Override
    public Picture apply(Picture in, Factors f) {
        byte[] px = in.bytes();
        for (int op : f.order()) {
            switch (op) {
                case 0 -> px = Double.isNaN(f.brightness()) ? px : blend(new byte[px.length], px, (float) f.brightness());
                case 1 -> px = Double.isNaN(f.contrast()) ? px : contrast(px, in.channels(), (float) f.contrast());
                case 2 -> px = Double.isNaN(f.saturation()) || in.channels() == 1 ? px
                        : blend(Channels.convert(Channels.convert(px, 3, 1), 1, 3), px, (float) f.saturation());
                default -> px = Double.isNaN(f.hue()) || in.channels() == 1 ? px : hue(px, f.hue());
            }
        }
        return Picture.ofBytes(in.height(), in.width(), in.channels(), px);
    }

    /** PIL's {@code Image.blend(degenerate, image, alpha)}: interpolation truncated, extrapolation clipped. */
    static byte[] blend(byte[] degenerate, byte[] image, float alpha) {
        if (alpha == 1f) {
            return image;
        }
        byte[] out = new byte[image.length];
        boolean inside = alpha >= 0 && alpha <= 1f;
        for (int i = 0; i < out.length; i++) {
            int a = degenerate[i] & 0xFF;
            float t = a + alpha * ((image[i] & 0xFF) - a);
            out[i] = (byte) (inside ? (int) t : t <= 0f ? 0 : t >= 255f ? 255 : (int) t);
        }
        return out;
    }

    /** PIL's {@code ImageEnhance.Contrast}: blends with a flat image of the mean grey level, rounded. */
    private static byte[] contrast(byte[] px, int c, float factor) {
        byte[] grey = c == 1 ? px : Channels.convert(px, 3, 1);
        long sum = 0;
        for (byte g : grey) {
            sum += g & 0xFF;
        }
        int mean = (int) ((double) sum / grey.length + 0.5);
        byte[] flat = new byte[px.length];
        java.util.Arrays.fill(flat, (byte) mean);
        return blend(flat, px, factor);
    }

    /** torchvision's {@code adjust_hue} on PIL: to HSV, H shifted with byte wrap-around, back to RGB. */
    private static byte[] hue(byte[] px, double shift) {
        int dh = ((int) (shift * 255)) & 0xFF;
        byte[] out = new byte[px.length];
        int[] hsv = new int[3];
        for (int i = 0; i < px.length; i += 3) {
            toHsv(px[i] & 0xFF, px[i + 1] & 0xFF, px[i + 2] & 0xFF, hsv);
            toRgb((hsv[0] + dh) & 0xFF, hsv[1], hsv[2], out, i);
        }
        return out;
    }

    /** Pillow's {@code rgb2hsv_row}, float and double where it has them. */
    static void toHsv(int r, int g, int b, int[] hsv) {
        int maxc = Math.max(r, Math.max(g, b));
        int minc = Math.min(r, Math.min(g, b));
        hsv[2] = maxc;
        if (minc == maxc) {
            hsv[0] = 0;
            hsv[1] = 0;
            return;
        }
        float cr = maxc - minc;
        float s = cr / (float) maxc;
        float rc = (maxc - r) / cr;
        float gc = (maxc - g) / cr;
        float bc = (maxc - b) / cr;
        float h;
        if (r == maxc) {
            h = bc - gc;
        } else if (g == maxc) {
            h = (float) (2.0 + rc - bc);
        } else {
            h = (float) (4.0 + gc - rc);
        }
        h = (float) ((h / 6.0 + 1.0) % 1.0);
        hsv[0] = clip8((int) (h * 255.0));
        hsv[1] = clip8((int) (s * 255.0));
    }

    /** Pillow's {@code hsv2rgb}. */
    static void toRgb(int h, int s, int v, byte[] out, int o) {
        if (s == 0) {
            out[o] = out[o + 1] = out[o + 2] = (byte) v;
            return;
        }
        int i = (int) Math.floor(h * 6.0 / 255.0);
        float f = (float) (h * 6.0 / 255.0 - (float) i);
        float fs = (float) (s / 255.0);
        int p = clip8((int) Math.round(v * (1.0 - fs)));
        int q = clip8((int) Math.round(v * (1.0 - fs * f)));
        int t = clip8((int) Math.round(v * (1.0 - fs * (1.0 - f))));
        int[] rgb = switch (i % 6) {
            case 0 -> new int[] {v, t, p};
            case 1 -> new int[] {q, v, p};
            case 2 -> new int[] {p, v, t};
            case 3 -> new int[] {p, q, v};
            case 4 -> new int[] {t, p, v};
            default -> new int[] {v, p, q};
        };
        out[o] = (byte) rgb[0];
        out[o + 1] = (byte) rgb[1];
        out[o + 2] = (byte) rgb[2];
    }

    private static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    @Override
    public String toString() {
        return "ColorJitter(" + brightness + ", " + contrast + ", " + saturation + ", " + hue + ")";
    }
}
