package org.resnet4j.dataset;

import java.util.SplittableRandom;
import org.resnet4j.ResNet4jException;

/**
 * torchvision's {@code Normalize}: {@code (x - mean) / std} on 0..1 floats, with a {@link Normalization}
 * that is per channel or the paper's per-pixel mean image (section 4.2; of the pipeline's output size).
 */
public final class Normalize implements Transform<Void> {
    private final int channels;
    private final int height;
    private final int width;
    private final float[] mean; // HWC, one per output value; null: identity
    private final float[] invStd;
    private final Normalization normalization;

    /** For pictures of {@code channels x height x width}. */
    public Normalize(Normalization norm, int channels, int height, int width) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.normalization = norm;
        String mode = norm == null ? Normalization.NONE : norm.mode();
        if (mode.equals(Normalization.NONE) || norm.mean() == null) {
            mean = null;
            invStd = null;
            return;
        }
        int[] shape = norm.shape();
        if (shape == null || shape[0] != channels) {
            throw new ResNet4jException("the normalization is for images of shape " + java.util.Arrays.toString(shape)
                    + " but the pipeline gives " + channels + "x" + height + "x" + width);
        }
        int hw = height * width;
        mean = new float[hw * channels];
        invStd = new float[hw * channels];
        if (mode.equals(Normalization.PER_PIXEL)) {
            // an older model's mean image at its data's size, resized to the input: normalising commutes with bilinear resizing
            float[] m = resizeMap(norm.mean(), channels, shape[1], shape[2], height, width);
            float[] sd = norm.std() == null ? null : resizeMap(norm.std(), channels, shape[1], shape[2], height, width);
            for (int k = 0; k < mean.length; k++) {
                int chw = (k % channels) * hw + k / channels;
                mean[k] = m[chw];
                invStd[k] = sd == null ? 1f : 1f / sd[chw];
            }
        } else {
            for (int k = 0; k < mean.length; k++) {
                mean[k] = norm.mean()[k % channels];
                invStd[k] = norm.std() == null ? 1f : 1f / norm.std()[k % channels];
            }
        }
    }

    Normalization normalization() {
        return normalization;
    }

    /** Mean and 1/std per HWC value; null for no normalisation. */
    float[] mean() {
        return mean;
    }

    float[] invStd() {
        return invStd;
    }

    /** Whether mean and std are the same at every pixel (then {@code mean()[ch]} is channel ch's), or there are none. */
    boolean perChannel() {
        return mean == null || !normalization.mode().equals(Normalization.PER_PIXEL);
    }

    @Override
    public Void draw(SplittableRandom random, int h, int w) {
        return null;
    }

    @Override
    public Picture apply(Picture in, Void params) {
        float[] x = in.floats();
        if (mean == null) {
            return in;
        }
        if (in.height() != height || in.width() != width || in.channels() != channels) {
            throw new IllegalStateException("Normalize for " + channels + "x" + height + "x" + width + " got " + in);
        }
        float[] out = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            out[k] = (x[k] - mean[k]) * invStd[k];
        }
        return Picture.ofFloats(height, width, channels, out);
    }

    /** Bilinear resize of a CHW float map (half-pixel centres, as PyTorch's {@code align_corners=False}). */
    static float[] resizeMap(float[] chw, int c, int h, int w, int outH, int outW) {
        if (h == outH && w == outW) {
            return chw;
        }
        float[] out = new float[c * outH * outW];
        float sy = (float) h / outH;
        float sx = (float) w / outW;
        for (int ch = 0; ch < c; ch++) {
            int b = ch * h * w;
            for (int y = 0; y < outH; y++) {
                float fy = Math.max(0f, (y + 0.5f) * sy - 0.5f);
                int y0 = Math.min((int) fy, h - 1);
                int y1 = Math.min(y0 + 1, h - 1);
                float dy = fy - y0;
                for (int x = 0; x < outW; x++) {
                    float fx = Math.max(0f, (x + 0.5f) * sx - 0.5f);
                    int x0 = Math.min((int) fx, w - 1);
                    int x1 = Math.min(x0 + 1, w - 1);
                    float dx = fx - x0;
                    out[ch * outH * outW + y * outW + x] = (1 - dy) * ((1 - dx) * chw[b + y0 * w + x0] + dx * chw[b + y0 * w + x1])
                            + dy * ((1 - dx) * chw[b + y1 * w + x0] + dx * chw[b + y1 * w + x1]);
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "Normalize(" + (normalization == null ? Normalization.NONE : normalization.mode()) + ")";
    }
}
