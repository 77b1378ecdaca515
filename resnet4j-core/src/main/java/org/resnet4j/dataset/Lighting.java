package org.resnet4j.dataset;

import java.util.SplittableRandom;

/**
 * AlexNet's PCA colour augmentation, "the standard color augmentation" of the paper (section 3.4),
 * as fb.resnet.torch applies it to 0..1 RGB floats: every pixel gets {@code eigvec * (alpha .* eigval)}
 * added, {@code alpha ~ N(0, std)} drawn per image. Grey pictures are left alone.
 */
public final class Lighting implements Transform<double[]> {
    /** ImageNet's RGB eigenvalues and eigenvectors (rows), as fb.resnet.torch uses them. */
    static final double[] EIGVAL = {0.2175, 0.0188, 0.0045};
    static final double[][] EIGVEC = {
        {-0.5675, 0.7192, 0.4009},
        {-0.5808, -0.0045, -0.8140},
        {-0.5836, -0.6948, 0.4203},
    };

    private final double std;

    /** With AlexNet's standard deviation 0.1. */
    public Lighting() {
        this(0.1);
    }

    public Lighting(double std) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("lighting std must be >= 0, not " + std);
        }
        this.std = std;
    }

    /** The three alphas. */
    @Override
    public double[] draw(SplittableRandom random, int height, int width) {
        return new double[] {random.nextGaussian() * std, random.nextGaussian() * std, random.nextGaussian() * std};
    }

    /** The value added to each of R, G, B for {@code alpha}. */
    static float[] shift(double[] alpha) {
        float[] rgb = new float[3];
        for (int i = 0; i < 3; i++) {
            double s = 0;
            for (int j = 0; j < 3; j++) {
                s += EIGVEC[i][j] * alpha[j] * EIGVAL[j];
            }
            rgb[i] = (float) s;
        }
        return rgb;
    }

    /** Whether it changes pictures of {@code channels} channels (RGB, a non-zero std). */
    boolean changes(int channels) {
        return channels == 3 && std != 0;
    }

    @Override
    public Picture apply(Picture in, double[] alpha) {
        float[] x = in.floats();
        if (!changes(in.channels())) {
            return in;
        }
        float[] rgb = shift(alpha);
        float[] out = new float[x.length];
        for (int k = 0; k < x.length; k += 3) {
            out[k] = x[k] + rgb[0];
            out[k + 1] = x[k + 1] + rgb[1];
            out[k + 2] = x[k + 2] + rgb[2];
        }
        return Picture.ofFloats(in.height(), in.width(), 3, out);
    }

    @Override
    public String toString() {
        return "Lighting(" + std + ")";
    }
}
