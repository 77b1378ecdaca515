package org.resnet4j.dataset;

import java.util.SplittableRandom;

/**
 * Random erasing (Zhong et al., AAAI 2020) as torchvision's {@code RandomErasing(p, scale=(0.02, 0.4),
 * ratio=(0.3, 1/0.3), value=0)}: with probability {@code p}, up to 10 tries to draw a rectangle of
 * 2-40% of the area with a log-uniform aspect ratio that fits; its values become 0, the mean after
 * normalisation.
 */
public final class RandomErasing implements Transform<RandomErasing.Rect> {
    /** The rectangle to erase. */
    public record Rect(int top, int left, int height, int width) {}

    private static final double MIN_AREA = 0.02;
    private static final double MAX_AREA = 0.4;
    private static final double LOG_RATIO = Math.log(1 / 0.3);

    private final double p;

    public RandomErasing(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("erasing probability must be in [0, 1], not " + p);
        }
        this.p = p;
    }

    /** The rectangle, or null when this image is not erased. */
    @Override
    public Rect draw(SplittableRandom random, int h, int w) {
        if (p == 0 || !(random.nextDouble() < p)) {
            return null;
        }
        double area = (double) h * w;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (MIN_AREA + random.nextDouble() * (MAX_AREA - MIN_AREA));
            double aspect = Math.exp(-LOG_RATIO + random.nextDouble() * 2 * LOG_RATIO);
            int eh = (int) Math.rint(Math.sqrt(target * aspect));
            int ew = (int) Math.rint(Math.sqrt(target / aspect));
            if (eh < h && ew < w) {
                return new Rect(random.nextInt(h - eh + 1), random.nextInt(w - ew + 1), eh, ew);
            }
        }
        return null;
    }

    @Override
    public Picture apply(Picture in, Rect r) {
        if (r == null) {
            return in;
        }
        float[] out = in.floats().clone();
        erase(out, 0, in.width(), in.channels(), r);
        return Picture.ofFloats(in.height(), in.width(), in.channels(), out);
    }

    /** Sets the rectangle of an HWC float image at {@code offset} in {@code x} to 0. */
    static void erase(float[] x, int offset, int width, int c, Rect r) {
        for (int y = r.top(); y < r.top() + r.height(); y++) {
            int from = offset + (y * width + r.left()) * c;
            java.util.Arrays.fill(x, from, from + r.width() * c, 0f);
        }
    }

    @Override
    public String toString() {
        return "RandomErasing(" + p + ")";
    }
}
