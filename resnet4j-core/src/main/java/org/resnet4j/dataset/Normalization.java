package org.resnet4j.dataset;

import java.util.Arrays;
import java.util.Objects;

/**
 * How pixels become network inputs: {@code x = (pixel / 255 - mean) / std}, in 0..1 units. It is
 * computed on the training split only and travels with the model, so evaluation and prediction
 * normalise exactly as training did.
 *
 * @param mode {@code per-pixel} (the paper's mean image, section 4.2: {@code mean} has C*H*W
 *     entries in CHW order, {@code std} is null), {@code per-channel} ({@code mean} and {@code std}
 *     have C entries) or {@code none}
 * @param shape the image shape [C, H, W] the statistics belong to
 * @param mean the mean, 0..1 units
 * @param std the standard deviation, 0..1 units; null where only the mean is subtracted
 */
public record Normalization(String mode, int[] shape, float[] mean, float[] std) {
    public static final String PER_PIXEL = "per-pixel";
    public static final String PER_CHANNEL = "per-channel";
    public static final String NONE = "none";

    public Normalization {
        Objects.requireNonNull(mode, "mode");
        if (!mode.equals(PER_PIXEL) && !mode.equals(PER_CHANNEL) && !mode.equals(NONE)) {
            throw new IllegalArgumentException("normalization mode must be per-pixel, per-channel or none, not " + mode);
        }
    }

    /** Pixels scaled to 0..1 and nothing else. */
    public static Normalization none(int channels, int height, int width) {
        return new Normalization(NONE, new int[] {channels, height, width}, null, null);
    }

    /**
     * Statistics of {@code train} (the training split only, so that nothing about validation or
     * test images leaks into training): {@code per-pixel} is the paper's mean image (section 4.2),
     * {@code per-channel} the mean and standard deviation of each channel over all pixels.
     */
    public static Normalization compute(ImageSet train, String mode) {
        int c = train.channels();
        int h = train.height();
        int w = train.width();
        int[] shape = {c, h, w};
        byte[] px = train.pixels();
        int n = train.size();
        switch (mode) {
            case NONE -> {
                return none(c, h, w);
            }
            case PER_PIXEL -> {
                int hwc = train.imageBytes();
                long[] sum = new long[hwc];
                for (int i = 0; i < n; i++) {
                    int base = i * hwc;
                    for (int k = 0; k < hwc; k++) {
                        sum[k] += px[base + k] & 0xFF;
                    }
                }
                float[] mean = new float[hwc];
                for (int k = 0; k < hwc; k++) { // HWC sums -> CHW mean
                    int ch = k % c;
                    int pixel = k / c;
                    mean[ch * h * w + pixel] = (float) (sum[k] / (255.0 * n));
                }
                return new Normalization(PER_PIXEL, shape, mean, null);
            }
            case PER_CHANNEL -> {
                long[] sum = new long[c];
                long[] sumSq = new long[c];
                for (int k = 0; k < px.length; k++) {
                    int v = px[k] & 0xFF;
                    sum[k % c] += v;
                    sumSq[k % c] += v * v;
                }
                double count = (double) px.length / c;
                float[] mean = new float[c];
                float[] std = new float[c];
                for (int ch = 0; ch < c; ch++) {
                    double m = sum[ch] / count;
                    mean[ch] = (float) (m / 255);
                    std[ch] = (float) (Math.sqrt(Math.max(0, sumSq[ch] / count - m * m)) / 255);
                    if (std[ch] == 0) {
                        std[ch] = 1; // a constant channel: subtract the mean only
                    }
                }
                return new Normalization(PER_CHANNEL, shape, mean, std);
            }
            default -> throw new org.resnet4j.UsageException("--normalization: unknown mode '" + mode + "' (known: per-pixel, per-channel, none)");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && mode.equals(n.mode) && Arrays.equals(shape, n.shape)
                && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, Arrays.hashCode(shape), Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return "Normalization[" + mode + ", shape " + Arrays.toString(shape) + "]";
    }
}
