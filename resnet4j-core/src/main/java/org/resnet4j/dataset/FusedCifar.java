package org.resnet4j.dataset;

import java.util.SplittableRandom;

/**
 * The {@code cifar} preset's steps after decoding (to float, normalise, pad + random crop, flip,
 * random erasing) fused into one pass over an in-memory image of the output size: the CIFAR loader's
 * speed. It draws from the same transforms in the same order and computes the same expressions, so
 * its floats are those of the composed steps, bit for bit (tested).
 */
final class FusedCifar {
    private final int c;
    private final int h;
    private final int w;
    private final float[] mean;
    private final float[] invStd;
    private final RandomCrop crop;
    private final HorizontalFlip flip;
    private final RandomErasing erasing;
    private final ThreadLocal<float[]> scratch;

    /** {@code crop}, {@code flip} and {@code erasing} may be null (evaluation). */
    FusedCifar(int c, int h, int w, Normalize normalize, RandomCrop crop, HorizontalFlip flip, RandomErasing erasing) {
        this.c = c;
        this.h = h;
        this.w = w;
        this.mean = normalize.mean();
        this.invStd = normalize.invStd();
        this.crop = crop;
        this.flip = flip;
        this.erasing = erasing;
        this.scratch = ThreadLocal.withInitial(() -> new float[c * h * w]);
    }

    void apply(byte[] pixels, int base, SplittableRandom random, float[] out, int outOffset) {
        int hwc = c * h * w;
        float[] normalised = scratch.get();
        if (mean == null) {
            for (int k = 0; k < hwc; k++) {
                normalised[k] = (pixels[base + k] & 0xFF) / 255f;
            }
        } else {
            for (int k = 0; k < hwc; k++) {
                normalised[k] = ((pixels[base + k] & 0xFF) / 255f - mean[k]) * invStd[k];
            }
        }
        int dy = 0;
        int dx = 0;
        if (crop != null) {
            RandomCrop.Offset o = crop.draw(random, h, w);
            dy = o.top() - crop.padding();
            dx = o.left() - crop.padding();
        }
        boolean mirror = flip != null && flip.draw(random, h, w);
        int rowFloats = w * c;
        for (int y = 0; y < h; y++) {
            int sy = y + dy;
            int row = outOffset + y * rowFloats;
            if (sy < 0 || sy >= h) {
                java.util.Arrays.fill(out, row, row + rowFloats, 0f);
                continue;
            }
            int srcRow = sy * rowFloats;
            if (!mirror && dx == 0) {
                System.arraycopy(normalised, srcRow, out, row, rowFloats);
                continue;
            }
            for (int x = 0; x < w; x++) {
                int sx = (mirror ? w - 1 - x : x) + dx;
                if (sx >= 0 && sx < w) {
                    System.arraycopy(normalised, srcRow + sx * c, out, row + x * c, c);
                } else {
                    java.util.Arrays.fill(out, row + x * c, row + x * c + c, 0f);
                }
            }
        }
        RandomErasing.Rect r = erasing == null ? null : erasing.draw(random, h, w);
        if (r != null) {
            RandomErasing.erase(out, outOffset, w, c, r);
        }
    }
}
