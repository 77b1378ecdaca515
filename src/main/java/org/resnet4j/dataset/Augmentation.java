package org.resnet4j.dataset;

/**
 * How training images are varied, every choice drawn from a seeded generator.
 *
 * @param pad pixels of zero padding on each side before a random crop back to the input size (0 = no crop)
 * @param flip random horizontal flip, with probability 1/2
 * @param resize side of the square image the input is resized to (bilinear) before crop and flip; 0 = keep
 *     the stored size
 * @param erase probability of random erasing (Zhong et al., AAAI 2020): a random rectangle of 2-40% of the
 *     image, aspect ratio 0.3-3.3, is set to the mean image; 0 = never
 */
public record Augmentation(int pad, boolean flip, int resize, double erase) {
    public Augmentation {
        if (pad < 0 || resize < 0) {
            throw new IllegalArgumentException("pad and resize must be >= 0");
        }
        if (!(erase >= 0 && erase <= 1)) {
            throw new IllegalArgumentException("erase must be a probability, not " + erase);
        }
    }

    public Augmentation(int pad, boolean flip, int resize) {
        this(pad, flip, resize, 0);
    }

    /** The paper's CIFAR augmentation (section 4.2): pad 4, random 32x32 crop, random horizontal flip. */
    public static Augmentation paper() {
        return new Augmentation(4, true, 0);
    }

    public static Augmentation none() {
        return new Augmentation(0, false, 0);
    }

    /** What test images get: this augmentation's resize, nothing random. */
    public Augmentation forEvaluation() {
        return new Augmentation(0, false, resize);
    }
}
