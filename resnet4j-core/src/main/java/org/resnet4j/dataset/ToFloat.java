package org.resnet4j.dataset;

import java.util.SplittableRandom;

/** torchvision's {@code ToTensor}: bytes 0..255 to floats 0..1 (the layout stays HWC). */
public final class ToFloat implements Transform<Void> {
    public static final ToFloat INSTANCE = new ToFloat();

    private ToFloat() {}

    @Override
    public Void draw(SplittableRandom random, int height, int width) {
        return null;
    }

    @Override
    public Picture apply(Picture in, Void params) {
        if (in.isFloat()) {
            return in;
        }
        byte[] b = in.bytes();
        float[] f = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            f[i] = (b[i] & 0xFF) / 255f;
        }
        return Picture.ofFloats(in.height(), in.width(), in.channels(), f);
    }

    @Override
    public String toString() {
        return "ToTensor";
    }
}
