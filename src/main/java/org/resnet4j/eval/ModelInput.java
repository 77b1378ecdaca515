package org.resnet4j.eval;

import org.resnet4j.dataset.Normalization;

/**
 * Turns one image's bytes (HWC, any size, 1 or 3 channels) into what a model takes: its channel
 * count (grey repeated to RGB, RGB to grey by ITU-R 601 luma as PIL does), bilinearly resized to
 * its input height and width (half-pixel centres, as PyTorch's {@code align_corners=False}), then
 * normalised, written as CHW floats.
 */
public final class ModelInput {
    private final int channels;
    private final int height;
    private final int width;
    /** Per output position (CHW at the model's size): the mean and 1/std to apply, or null for none. */
    private final float[] mean;
    private final float[] invStd;

    /**
     * A per-pixel mean of another size than the model's input (training resized its images after
     * normalising them) is resized to the input bilinearly, which is the same as normalising first.
     */
    public ModelInput(int channels, int height, int width, Normalization normalization) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        int hw = height * width;
        if (normalization == null || Normalization.NONE.equals(normalization.mode()) || normalization.mean() == null) {
            mean = null;
            invStd = null;
            return;
        }
        mean = new float[channels * hw];
        invStd = new float[channels * hw];
        if (Normalization.PER_PIXEL.equals(normalization.mode())) {
            int[] s = normalization.shape();
            float[] m = resize(normalization.mean(), s[0], s[1], s[2], height, width);
            float[] sd = normalization.std() == null ? null : resize(normalization.std(), s[0], s[1], s[2], height, width);
            for (int i = 0; i < mean.length; i++) {
                int src = Math.min(i, m.length - 1);
                mean[i] = m[src];
                invStd[i] = sd == null ? 1f : 1f / sd[src];
            }
        } else {
            for (int i = 0; i < mean.length; i++) {
                int ch = Math.min(i / hw, normalization.mean().length - 1);
                mean[i] = normalization.mean()[ch];
                invStd[i] = normalization.std() == null ? 1f : 1f / normalization.std()[ch];
            }
        }
    }

    /** Bilinear resize of a CHW float map (half-pixel centres). */
    static float[] resize(float[] chw, int c, int h, int w, int outH, int outW) {
        if (h == outH && w == outW) {
            return chw;
        }
        float[] out = new float[c * outH * outW];
        float sy = (float) h / outH;
        float sx = (float) w / outW;
        for (int ch = 0; ch < c; ch++) {
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
                    int b = ch * h * w;
                    out[ch * outH * outW + y * outW + x] = (1 - dy) * ((1 - dx) * chw[b + y0 * w + x0] + dx * chw[b + y0 * w + x1])
                            + dy * ((1 - dx) * chw[b + y1 * w + x0] + dx * chw[b + y1 * w + x1]);
                }
            }
        }
        return out;
    }

    public int channels() { return channels; }
    public int height() { return height; }
    public int width() { return width; }

    /** Floats per prepared image. */
    public int size() {
        return channels * height * width;
    }

    /**
     * Prepares the image at {@code offset} in {@code pixels} ({@code c x h x w}, HWC unsigned bytes)
     * into {@code out} starting at {@code outOffset} (CHW floats, {@link #size()} of them).
     */
    public void prepare(byte[] pixels, int offset, int c, int h, int w, float[] out, int outOffset) {
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException("images need 1 or 3 channels, not " + c);
        }
        int hw = height * width;
        float sy = (float) h / height;
        float sx = (float) w / width;
        for (int y = 0; y < height; y++) {
            float fy = Math.max(0f, (y + 0.5f) * sy - 0.5f);
            int y0 = Math.min((int) fy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            float dy = fy - y0;
            for (int x = 0; x < width; x++) {
                float fx = Math.max(0f, (x + 0.5f) * sx - 0.5f);
                int x0 = Math.min((int) fx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                float dx = fx - x0;
                for (int ch = 0; ch < channels; ch++) {
                    float v = (1 - dy) * ((1 - dx) * sample(pixels, offset, c, w, y0, x0, ch)
                                    + dx * sample(pixels, offset, c, w, y0, x1, ch))
                            + dy * ((1 - dx) * sample(pixels, offset, c, w, y1, x0, ch)
                                    + dx * sample(pixels, offset, c, w, y1, x1, ch));
                    int idx = ch * hw + y * width + x;
                    out[outOffset + idx] = normalize(v / 255f, ch, idx);
                }
            }
        }
    }

    /** The pixel value (0..255) of channel {@code ch} of the model's channel layout. */
    private float sample(byte[] p, int offset, int c, int w, int y, int x, int ch) {
        int base = offset + (y * w + x) * c;
        if (c == channels) {
            return p[base + ch] & 0xff;
        }
        if (c == 1) {
            return p[base] & 0xff;
        }
        return 0.299f * (p[base] & 0xff) + 0.587f * (p[base + 1] & 0xff) + 0.114f * (p[base + 2] & 0xff);
    }

    private float normalize(float v, int ch, int idx) {
        return mean == null ? v : (v - mean[idx]) * invStd[idx];
    }
}
