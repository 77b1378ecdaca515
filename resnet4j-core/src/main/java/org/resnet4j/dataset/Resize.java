package org.resnet4j.dataset;

import java.util.SplittableRandom;

/**
 * torchvision's {@code Resize}: to a fixed height and width, or the shorter side to a length with the
 * aspect ratio kept; bilinear with antialiasing as on PIL images ({@link Resampler}).
 */
public final class Resize implements Transform.Reducible<Void> {
    private final int height;
    private final int width;
    private final int shorter;

    private Resize(int height, int width, int shorter) {
        this.height = height;
        this.width = width;
        this.shorter = shorter;
    }

    /** To exactly {@code height x width} (the aspect ratio is not kept). */
    public static Resize to(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("cannot resize to " + width + "x" + height);
        }
        return new Resize(height, width, 0);
    }

    /** The shorter side to {@code size}, the longer in proportion: torchvision's {@code Resize(size)}. */
    public static Resize shorterSide(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("cannot resize the shorter side to " + size);
        }
        return new Resize(0, 0, size);
    }

    /** {height, width} after resizing the shorter side of {@code h x w} to {@code size} (torchvision's rounding down). */
    static int[] shorterSideSize(int h, int w, int size) {
        int shortSide = Math.min(h, w);
        int longSide = Math.max(h, w);
        int newLong = (int) ((double) size * longSide / shortSide);
        return w <= h ? new int[] {newLong, size} : new int[] {size, newLong};
    }

    int[] outputSize(int h, int w) {
        return shorter > 0 ? shorterSideSize(h, w, shorter) : new int[] {height, width};
    }

    @Override
    public Void draw(SplittableRandom random, int h, int w) {
        return null;
    }

    @Override
    public Picture apply(Picture in, Void params) {
        int[] s = outputSize(in.height(), in.width());
        return s[0] == in.height() && s[1] == in.width() ? in : Resampler.resize(in, s[0], s[1]);
    }

    @Override
    public double reduction(Void params, int h, int w) {
        int[] s = outputSize(h, w);
        return Math.min((double) h / s[0], (double) w / s[1]);
    }

    @Override
    public Picture applyReduced(Picture in, Void params, int h, int w) {
        int[] s = outputSize(h, w);
        return Resampler.resize(in, s[0], s[1]);
    }

    @Override
    public String toString() {
        return shorter > 0 ? "Resize(" + shorter + ")" : "Resize(" + height + ", " + width + ")";
    }
}
