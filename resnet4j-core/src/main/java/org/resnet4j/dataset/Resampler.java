package org.resnet4j.dataset;

/**
 * Bilinear resizing exactly as PIL's {@code Image.resize(size, BILINEAR, box)} (Pillow's
 * {@code Resample.c}), which torchvision's {@code Resize} and {@code RandomResizedCrop} call on PIL
 * images: a triangle filter widened by the scale factor when shrinking (antialiasing), weights in
 * 22-bit fixed point, a horizontal pass rounded to bytes, then a vertical pass.
 */
final class Resampler {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    private Resampler() {}

    /** The whole picture resized to {@code outH x outW}. */
    static Picture resize(Picture in, int outH, int outW) {
        return resample(in, 0, 0, in.height(), in.width(), 0f, 0f, in.width(), in.height(), outH, outW);
    }

    /**
     * The rectangle at ({@code top}, {@code left}) of {@code h x w} pixels, which lies inside the
     * picture, resized to {@code outH x outW}: torchvision's {@code resized_crop} (crop, then resize
     * the crop as an image of its own).
     */
    static Picture resizeRegion(Picture in, int top, int left, int h, int w, int outH, int outW) {
        if (top < 0 || left < 0 || top + h > in.height() || left + w > in.width()) {
            throw new IllegalArgumentException("region " + w + "x" + h + "+" + left + "+" + top + " outside " + in);
        }
        return resample(in, top, left, h, w, 0f, 0f, w, h, outH, outW);
    }

    /**
     * PIL's {@code resize(size, BILINEAR, box=(x0, y0, x1, y1))}: the box may have fractional edges
     * and the filter reads pixels beyond it, up to the picture's edges.
     */
    static Picture resizeBox(Picture in, double x0, double y0, double x1, double y1, int outH, int outW) {
        return resample(in, 0, 0, in.height(), in.width(), (float) x0, (float) y0, (float) x1, (float) y1, outH, outW);
    }

    /** Filter taps of one output line: where they start, how many, and their 22-bit weights. */
    private record Coefficients(int ksize, int[] start, int[] count, int[] weights) {}

    private static double triangle(double x) {
        x = Math.abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    /** Pillow's {@code precompute_coeffs} and {@code normalize_coeffs_8bpc} for the bilinear filter. */
    private static Coefficients coefficients(int inSize, float in0, float in1, int outSize) {
        double scale = (double) (in1 - in0) / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // the triangle's support is 1
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] start = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = in0 + (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            xmax = Math.max(0, Math.min(xmax, ksize));
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                k[x] = triangle((x + xmin - center + 0.5) * ss);
                ww += k[x];
            }
            for (int x = 0; x < xmax; x++) {
                double w = ww != 0.0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
            }
            start[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(ksize, start, count, weights);
    }

    private static int clip8(int sum) {
        int v = sum >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /**
     * Resamples the view ({@code top}, {@code left}, {@code h x w}) of {@code in}, taken as an image of
     * its own, with PIL's box ({@code bx0}, {@code by0}) - ({@code bx1}, {@code by1}) in view coordinates.
     */
    private static Picture resample(Picture in, int top, int left, int h, int w, float bx0, float by0, float bx1, float by1,
            int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("cannot resize to " + outW + "x" + outH);
        }
        byte[] src = in.bytes();
        int c = in.channels();
        boolean needH = !(outW == w && bx0 == 0f && bx1 == w);
        boolean needV = !(outH == h && by0 == 0f && by1 == h);
        if (!needH && !needV) {
            return in.crop(top, left, h, w);
        }
        Coefficients vert = coefficients(h, by0, by1, outH);
        // rows of the view that the vertical pass reads
        int yFirst = vert.start[0];
        int yLast = vert.start[outH - 1] + vert.count[outH - 1];
        byte[] mid;
        int midStride;
        int midOrigin; // index of the view's row yFirst (or row 0), column 0, in mid
        if (needH) {
            Coefficients hor = coefficients(w, bx0, bx1, outW);
            int rows = needV ? yLast - yFirst : h;
            int rowOffset = needV ? yFirst : 0;
            mid = new byte[rows * outW * c];
            midStride = outW * c;
            horizontal(src, (top + rowOffset) * in.width() * c + left * c, in.width() * c, c, rows, hor, outW, mid);
            midOrigin = -rowOffset * midStride;
            if (!needV) {
                return Picture.ofBytes(outH, outW, c, mid);
            }
        } else {
            mid = src;
            midStride = in.width() * c;
            midOrigin = top * midStride + left * c;
        }
        int rowValues = (needH ? outW : w) * c;
        byte[] out = new byte[outH * rowValues];
        int[] acc = new int[rowValues];
        for (int yy = 0; yy < outH; yy++) {
            java.util.Arrays.fill(acc, HALF);
            int kb = yy * vert.ksize;
            for (int y = 0; y < vert.count[yy]; y++) {
                int k = vert.weights[kb + y];
                int p = midOrigin + (vert.start[yy] + y) * midStride;
                for (int i = 0; i < rowValues; i++) {
                    acc[i] += (mid[p + i] & 0xFF) * k;
                }
            }
            int o = yy * rowValues;
            for (int i = 0; i < rowValues; i++) {
                out[o + i] = (byte) clip8(acc[i]);
            }
        }
        return Picture.ofBytes(outH, outW, c, out);
    }

    private static void horizontal(byte[] src, int origin, int stride, int c, int rows, Coefficients hor, int outW, byte[] out) {
        int ksize = hor.ksize;
        for (int r = 0; r < rows; r++) {
            int row = origin + r * stride;
            int o = r * outW * c;
            for (int xx = 0; xx < outW; xx++) {
                int n = hor.count[xx];
                int kb = xx * ksize;
                int p = row + hor.start[xx] * c;
                if (c == 3) {
                    int s0 = HALF;
                    int s1 = HALF;
                    int s2 = HALF;
                    for (int x = 0; x < n; x++, p += 3) {
                        int k = hor.weights[kb + x];
                        s0 += (src[p] & 0xFF) * k;
                        s1 += (src[p + 1] & 0xFF) * k;
                        s2 += (src[p + 2] & 0xFF) * k;
                    }
                    out[o++] = (byte) clip8(s0);
                    out[o++] = (byte) clip8(s1);
                    out[o++] = (byte) clip8(s2);
                } else {
                    int s0 = HALF;
                    for (int x = 0; x < n; x++, p++) {
                        s0 += (src[p] & 0xFF) * hor.weights[kb + x];
                    }
                    out[o++] = (byte) clip8(s0);
                }
            }
        }
    }
}
