package org.resnet4j.dataset;

import java.util.List;

/**
 * Images held in memory as bytes: {@code pixels} holds {@code size() * height * width * channels}
 * unsigned bytes, each image in HWC order (interleaved channels), with one label per image.
 */
public final class ImageSet implements Samples {
    private final String name;
    private final List<String> classes;
    private final int channels;
    private final int height;
    private final int width;
    private final byte[] pixels;
    private final int[] labels;

    public ImageSet(String name, List<String> classes, int channels, int height, int width, byte[] pixels, int[] labels) {
        this.name = name;
        this.classes = List.copyOf(classes);
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = pixels;
        this.labels = labels;
        if ((long) labels.length * imageBytes() != pixels.length) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels but " + pixels.length
                    + " pixel bytes for images of " + channels + "x" + height + "x" + width);
        }
    }

    @Override
    public String name() { return name; }
    @Override
    public List<String> classes() { return classes; }
    public int channels() { return channels; }
    public int height() { return height; }
    public int width() { return width; }
    @Override
    public int size() { return labels.length; }
    public int imageBytes() { return channels * height * width; }
    @Override
    public int label(int i) { return labels[i]; }
    /** The backing array (not a copy): HWC bytes of every image, one after the other. */
    public byte[] pixels() { return pixels; }
    @Override
    public int[] labels() { return labels; }
    public int[] shape() { return new int[] {channels, height, width}; }

    @Override
    public ImageSet withName(String newName) {
        return new ImageSet(newName, classes, channels, height, width, pixels, labels);
    }

    /** The images at {@code indices}, in that order, as a new set. */
    @Override
    public ImageSet subset(int[] indices) {
        int n = imageBytes();
        byte[] p = new byte[indices.length * n];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * n, p, i * n, n);
            l[i] = labels[indices[i]];
        }
        return new ImageSet(name, classes, channels, height, width, p, l);
    }
}
