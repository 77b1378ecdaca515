package org.resnet4j.dataset;

import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomCrop(size, padding)}: zero padding on every side, then a crop at a
 * random position. On normalised floats the padding is the mean, as the paper pads its
 * mean-subtracted CIFAR images (section 4.2). A picture smaller than the crop even with its padding
 * is cropped at the centre, the missing pixels 0 (presets resize before cropping, so never do this).
 */
public final class RandomCrop implements Transform<RandomCrop.Offset> {
    /** The crop's top-left corner in the padded picture. */
    public record Offset(int top, int left) {}

    private final int height;
    private final int width;
    private final int padding;

    public RandomCrop(int height, int width, int padding) {
        if (height < 1 || width < 1 || padding < 0) {
            throw new IllegalArgumentException("bad RandomCrop(" + height + "x" + width + ", padding " + padding + ")");
        }
        this.height = height;
        this.width = width;
        this.padding = padding;
    }

    int padding() {
        return padding;
    }

    @Override
    public Offset draw(SplittableRandom random, int h, int w) {
        int ph = h + 2 * padding;
        int pw = w + 2 * padding;
        if (ph == height && pw == width) {
            return new Offset(0, 0); // torchvision draws nothing here either
        }
        int top = ph >= height ? random.nextInt(ph - height + 1) : (ph - height) / 2;
        int left = pw >= width ? random.nextInt(pw - width + 1) : (pw - width) / 2;
        return new Offset(top, left);
    }

    @Override
    public Picture apply(Picture in, Offset o) {
        return in.crop(o.top() - padding, o.left() - padding, height, width);
    }

    @Override
    public String toString() {
        return "RandomCrop(" + height + "x" + width + (padding > 0 ? ", padding " + padding : "") + ")";
    }
}
