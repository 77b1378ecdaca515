package org.resnet4j.dataset;

import java.util.SplittableRandom;
import org.resnet4j.ResNet4jException;

/**
 * Turns one stored HWC uint8 image into normalised float HWC network input: normalise, resize
 * (bilinear), pad and random crop, random flip, random erasing. Plain array loops on scratch arrays
 * it owns, so one instance serves one thread.
 *
 * <p>Normalising first lets per-pixel statistics stay at the stored size whatever the resize (both
 * steps are linear), and makes the padding zero after normalisation: the paper pads its
 * mean-subtracted images (section 4.2), so padded pixels equal the mean image.
 */
final class ImageTransform {
    private final int c;
    private final int h;
    private final int w;
    private final int outH;
    private final int outW;
    private final Augmentation aug;
    private final float[] mean;
    private final float[] invStd;
    private final float[] normalised;
    private final float[] resized;
    private final int[] y0;
    private final int[] y1;
    private final float[] wy;
    private final int[] x0;
    private final int[] x1;
    private final float[] wx;

    ImageTransform(int channels, int height, int width, Normalization norm, Augmentation aug) {
        this.c = channels;
        this.h = height;
        this.w = width;
        this.aug = aug;
        this.outH = aug.resize() > 0 ? aug.resize() : height;
        this.outW = aug.resize() > 0 ? aug.resize() : width;
        int hwc = c * h * w;
        this.mean = new float[hwc];
        this.invStd = new float[hwc];
        fillAffine(norm);
        this.normalised = new float[hwc];
        if (aug.resize() > 0) {
            resized = new float[c * outH * outW];
            y0 = new int[outH];
            y1 = new int[outH];
            wy = new float[outH];
            x0 = new int[outW];
            x1 = new int[outW];
            wx = new float[outW];
            bilinearTable(h, outH, y0, y1, wy);
            bilinearTable(w, outW, x0, x1, wx);
        } else {
            resized = null;
            y0 = y1 = x0 = x1 = null;
            wy = wx = null;
        }
    }

    int outChannels() {
        return c;
    }

    int outHeight() {
        return outH;
    }

    int outWidth() {
        return outW;
    }

    int outFloats() {
        return c * outH * outW;
    }

    /** Mean and 1/std per HWC position, for x = (pixel / 255 - mean) / std. */
    private void fillAffine(Normalization norm) {
        String mode = norm == null ? Normalization.NONE : norm.mode();
        if (!mode.equals(Normalization.NONE) && (norm.shape() == null || norm.shape()[0] != c
                || (mode.equals(Normalization.PER_PIXEL) && (norm.shape()[1] != h || norm.shape()[2] != w)))) {
            throw new ResNet4jException("the normalization is for images of shape " + java.util.Arrays.toString(norm.shape())
                    + " but the data is [" + c + ", " + h + ", " + w + "]");
        }
        for (int k = 0; k < mean.length; k++) {
            int ch = k % c;
            float m = 0;
            float sd = 1;
            if (mode.equals(Normalization.PER_PIXEL)) {
                m = norm.mean()[ch * h * w + k / c];
                sd = norm.std() == null ? 1 : norm.std()[ch * h * w + k / c];
            } else if (mode.equals(Normalization.PER_CHANNEL)) {
                m = norm.mean()[ch];
                sd = norm.std() == null ? 1 : norm.std()[ch];
            }
            mean[k] = m;
            invStd[k] = 1f / sd;
        }
    }

    /** Half-pixel-centre sampling (align_corners=False), as torchvision's bilinear resize. */
    private static void bilinearTable(int in, int out, int[] lo, int[] hi, float[] weight) {
        float ratio = (float) in / out;
        for (int o = 0; o < out; o++) {
            float src = Math.max(0f, (o + 0.5f) * ratio - 0.5f);
            int i = Math.min((int) src, in - 1);
            lo[o] = i;
            hi[o] = Math.min(i + 1, in - 1);
            weight[o] = src - i;
        }
    }

    /**
     * Writes image {@code index} of {@code pixels} to {@code out} at {@code outOffset} as HWC floats,
     * drawing crop, flip and erasing from {@code random} (untouched when the augmentation is not random).
     */
    void apply(byte[] pixels, int index, SplittableRandom random, float[] out, int outOffset) {
        int hwc = normalised.length;
        int base = index * hwc;
        for (int k = 0; k < hwc; k++) {
            normalised[k] = ((pixels[base + k] & 0xFF) / 255f - mean[k]) * invStd[k];
        }
        float[] src = normalised;
        if (resized != null) {
            resize();
            src = resized;
        }
        int pad = aug.pad();
        int dy = pad > 0 ? random.nextInt(2 * pad + 1) - pad : 0;
        int dx = pad > 0 ? random.nextInt(2 * pad + 1) - pad : 0;
        boolean flip = aug.flip() && random.nextBoolean();
        int rowFloats = outW * c;
        for (int y = 0; y < outH; y++) {
            int sy = y + dy;
            int row = outOffset + y * rowFloats;
            if (sy < 0 || sy >= outH) {
                java.util.Arrays.fill(out, row, row + rowFloats, 0f);
                continue;
            }
            int srcRow = sy * rowFloats;
            for (int x = 0; x < outW; x++) {
                int sx = (flip ? outW - 1 - x : x) + dx;
                if (sx >= 0 && sx < outW) {
                    System.arraycopy(src, srcRow + sx * c, out, row + x * c, c);
                } else {
                    java.util.Arrays.fill(out, row + x * c, row + x * c + c, 0f);
                }
            }
        }
        if (aug.erase() > 0 && random.nextDouble() < aug.erase()) {
            erase(random, out, outOffset);
        }
    }

    /**
     * Random erasing as in Zhong et al. (AAAI 2020) and torchvision: up to 10 tries to draw a rectangle
     * of 2-40% of the image with a log-uniform aspect ratio in [0.3, 1/0.3] that fits; its pixels become
     * 0, the mean image after normalisation (like the padding).
     */
    private void erase(SplittableRandom random, float[] out, int outOffset) {
        double area = (double) outH * outW;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (0.02 + random.nextDouble() * (0.4 - 0.02));
            double aspect = Math.exp(Math.log(0.3) + random.nextDouble() * (Math.log(1 / 0.3) - Math.log(0.3)));
            int eh = (int) Math.round(Math.sqrt(target * aspect));
            int ew = (int) Math.round(Math.sqrt(target / aspect));
            if (eh < 1 || ew < 1 || eh >= outH || ew >= outW) {
                continue;
            }
            int top = random.nextInt(outH - eh + 1);
            int left = random.nextInt(outW - ew + 1);
            for (int y = top; y < top + eh; y++) {
                int from = outOffset + (y * outW + left) * c;
                java.util.Arrays.fill(out, from, from + ew * c, 0f);
            }
            return;
        }
    }

    private void resize() {
        for (int y = 0; y < outH; y++) {
            int r0 = y0[y] * w * c;
            int r1 = y1[y] * w * c;
            float fy = wy[y];
            int o = y * outW * c;
            for (int x = 0; x < outW; x++) {
                int a = x0[x] * c;
                int b = x1[x] * c;
                float fx = wx[x];
                for (int ch = 0; ch < c; ch++) {
                    float top = normalised[r0 + a + ch] + (normalised[r0 + b + ch] - normalised[r0 + a + ch]) * fx;
                    float bottom = normalised[r1 + a + ch] + (normalised[r1 + b + ch] - normalised[r1 + a + ch]) * fx;
                    resized[o++] = top + (bottom - top) * fy;
                }
            }
        }
    }
}
