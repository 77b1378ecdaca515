package org.resnet4j.data;

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
