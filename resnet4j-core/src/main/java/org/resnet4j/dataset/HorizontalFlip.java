package org.resnet4j.dataset;

import java.util.SplittableRandom;

/** torchvision's {@code RandomHorizontalFlip(p)}: mirrored left to right with probability {@code p}. */
public final class HorizontalFlip implements Transform<Boolean> {
    /** Always mirrors, drawing nothing (the second five of ten crops). */
    static final HorizontalFlip ALWAYS = new HorizontalFlip(1.0);

    private final double p;

    public HorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1], not " + p);
        }
        this.p = p;
    }

    @Override
    public Boolean draw(SplittableRandom random, int height, int width) {
        return p >= 1 || (p > 0 && random.nextDouble() < p);
    }

    @Override
    public Picture apply(Picture in, Boolean flip) {
        return flip ? in.flipHorizontal() : in;
    }

    @Override
    public String toString() {
        return "RandomHorizontalFlip(" + p + ")";
    }
}
