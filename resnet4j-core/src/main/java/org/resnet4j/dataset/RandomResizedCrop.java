package org.resnet4j.dataset;

import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomResizedCrop}: a rectangle of a random share of the area (uniform in
 * {@code scale}) and a random aspect ratio (log-uniform in {@code ratio}), 10 tries to fit one in
 * the image, else the central crop with the ratio clamped into {@code ratio}; resized to the output
 * size (bilinear, antialiased). A picture smaller than the output is resized up.
 */
public final class RandomResizedCrop implements Transform.Reducible<RandomResizedCrop.Box> {
    /** The rectangle to crop. */
    public record Box(int top, int left, int height, int width) {}

    private final int height;
    private final int width;
    private final double minScale;
    private final double maxScale;
    private final double minLogRatio;
    private final double maxLogRatio;
    private final double minRatio;
    private final double maxRatio;

    public RandomResizedCrop(int height, int width, double minScale, double maxScale, double minRatio, double maxRatio) {
        if (height < 1 || width < 1 || !(minScale > 0 && minScale <= maxScale) || !(minRatio > 0 && minRatio <= maxRatio)) {
            throw new IllegalArgumentException("bad RandomResizedCrop(" + height + "x" + width + ", scale " + minScale + ".."
                    + maxScale + ", ratio " + minRatio + ".." + maxRatio + ")");
        }
        this.height = height;
        this.width = width;
        this.minScale = minScale;
        this.maxScale = maxScale;
        this.minRatio = minRatio;
        this.maxRatio = maxRatio;
        this.minLogRatio = Math.log(minRatio);
        this.maxLogRatio = Math.log(maxRatio);
    }

    /** torchvision's defaults: scale (0.08, 1), ratio (3/4, 4/3). */
    public RandomResizedCrop(int height, int width) {
        this(height, width, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }

    @Override
    public Box draw(SplittableRandom random, int imageHeight, int imageWidth) {
        double area = (double) imageHeight * imageWidth;
        for (int attempt = 0; attempt < 10; attempt++) {
            double targetArea = area * (minScale + (maxScale - minScale) * random.nextDouble());
            double aspect = Math.exp(minLogRatio + (maxLogRatio - minLogRatio) * random.nextDouble());
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect)); // Python's round: half to even
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (0 < w && w <= imageWidth && 0 < h && h <= imageHeight) {
                int top = random.nextInt(imageHeight - h + 1);
                int left = random.nextInt(imageWidth - w + 1);
                return new Box(top, left, h, w);
            }
        }
        double inRatio = (double) imageWidth / imageHeight;
        int w;
        int h;
        if (inRatio < minRatio) {
            w = imageWidth;
            h = (int) Math.rint(w / minRatio);
        } else if (inRatio > maxRatio) {
            h = imageHeight;
            w = (int) Math.rint(h * maxRatio);
        } else {
            w = imageWidth;
            h = imageHeight;
        }
        return new Box((imageHeight - h) / 2, (imageWidth - w) / 2, h, w);
    }

    @Override
    public Picture apply(Picture in, Box b) {
        return Resampler.resizeRegion(in, b.top(), b.left(), b.height(), b.width(), height, width);
    }

    @Override
    public double reduction(Box b, int imageHeight, int imageWidth) {
        return Math.min((double) b.height() / height, (double) b.width() / width);
    }

    @Override
    public Picture applyReduced(Picture in, Box b, int imageHeight, int imageWidth) {
        double sy = (double) in.height() / imageHeight;
        double sx = (double) in.width() / imageWidth;
        return Resampler.resizeBox(in, b.left() * sx, b.top() * sy, (b.left() + b.width()) * sx, (b.top() + b.height()) * sy,
                height, width);
    }

    @Override
    public String toString() {
        return "RandomResizedCrop(" + height + "x" + width + ", scale " + minScale + ".." + maxScale + ", ratio "
                + String.format(java.util.Locale.ROOT, "%.4f..%.4f", minRatio, maxRatio) + ")";
    }
}
