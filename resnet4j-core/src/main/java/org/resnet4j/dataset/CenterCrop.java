package org.resnet4j.dataset;

import java.util.SplittableRandom;

/** torchvision's {@code CenterCrop}: the central rectangle, zero-padded where the picture is smaller. */
public final class CenterCrop implements Transform<Void> {
    private final int height;
    private final int width;

    public CenterCrop(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("bad CenterCrop(" + height + "x" + width + ")");
        }
        this.height = height;
        this.width = width;
    }

    @Override
    public Void draw(SplittableRandom random, int h, int w) {
        return null;
    }

    @Override
    public Picture apply(Picture in, Void params) {
        int h = in.height();
        int w = in.width();
        int padTop = 0;
        int padLeft = 0;
        if (width > w || height > h) { // torchvision pads (left/top get the smaller half), then crops
            padLeft = width > w ? (width - w) / 2 : 0;
            padTop = height > h ? (height - h) / 2 : 0;
            int padRight = width > w ? (width - w + 1) / 2 : 0;
            int padBottom = height > h ? (height - h + 1) / 2 : 0;
            h += padTop + padBottom;
            w += padLeft + padRight;
        }
        int top = (int) Math.rint((h - height) / 2.0) - padTop; // Python's round: half to even
        int left = (int) Math.rint((w - width) / 2.0) - padLeft;
        return in.crop(top, left, height, width);
    }

    @Override
    public String toString() {
        return "CenterCrop(" + height + "x" + width + ")";
    }
}
