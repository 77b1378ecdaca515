package org.resnet4j.dataset;

import java.util.SplittableRandom;

/**
 * The paper's scale augmentation (section 3.4): the shorter side resized to a length drawn uniformly
 * from [{@code min}, {@code max}] ([256, 480] for 224 crops), the aspect ratio kept.
 */
public final class ScaleAugmentation implements Transform.Reducible<Integer> {
    private final int min;
    private final int max;

    public ScaleAugmentation(int min, int max) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("scale augmentation needs 1 <= min <= max, not " + min + ", " + max);
        }
        this.min = min;
        this.max = max;
    }

    @Override
    public Integer draw(SplittableRandom random, int height, int width) {
        return min + random.nextInt(max - min + 1);
    }

    @Override
    public Picture apply(Picture in, Integer shorter) {
        return Resize.shorterSide(shorter).apply(in, (Void) null);
    }

    @Override
    public double reduction(Integer shorter, int height, int width) {
        return Resize.shorterSide(shorter).reduction(null, height, width);
    }

    @Override
    public Picture applyReduced(Picture in, Integer shorter, int height, int width) {
        return Resize.shorterSide(shorter).applyReduced(in, null, height, width);
    }

    @Override
    public String toString() {
        return "ScaleAugmentation(" + min + ", " + max + ")";
    }
}
