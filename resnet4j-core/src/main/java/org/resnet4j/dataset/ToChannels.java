package org.resnet4j.dataset;

import java.util.SplittableRandom;

/** To grey (ITU-R 601 luma, as PIL's {@code convert("L")}) or RGB (grey repeated), as the network's input wants. */
public final class ToChannels implements Transform<Void> {
    private final int channels;

    public ToChannels(int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 or 3 channels, not " + channels);
        }
        this.channels = channels;
    }

    @Override
    public Void draw(SplittableRandom random, int height, int width) {
        return null;
    }

    @Override
    public Picture apply(Picture in, Void params) {
        if (in.channels() == channels) {
            return in;
        }
        return Picture.ofBytes(in.height(), in.width(), channels, Channels.convert(in.bytes(), in.channels(), channels));
    }

    @Override
    public String toString() {
        return channels == 1 ? "Grayscale" : "ToRGB";
    }
}
