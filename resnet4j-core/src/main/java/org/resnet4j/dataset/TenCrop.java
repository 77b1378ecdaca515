package org.resnet4j.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The standard 10-crop test of the paper's Table 3 (section 3.4), as torchvision's {@code TenCrop}:
 * the four corner crops and the centre crop, then the same five of the mirrored image, each a view
 * of its own whose scores are averaged.
 */
public final class TenCrop {
    /** Where one of the five crops sits. */
    public enum Position { TOP_LEFT, TOP_RIGHT, BOTTOM_LEFT, BOTTOM_RIGHT, CENTER }

    private TenCrop() {}

    /** The ten views, in torchvision's order: each a list of transforms applied to the common picture. */
    public static List<List<Transform<?>>> views(int height, int width) {
        List<List<Transform<?>>> views = new ArrayList<>();
        for (int mirrored = 0; mirrored < 2; mirrored++) {
            for (Position p : Position.values()) {
                List<Transform<?>> view = new ArrayList<>();
                if (mirrored == 1) {
                    view.add(HorizontalFlip.ALWAYS);
                }
                view.add(p == Position.CENTER ? new CenterCrop(height, width) : new Corner(p, height, width));
                views.add(view);
            }
        }
        return views;
    }

    /** One corner crop ({@code five_crop}); the picture must be at least the crop's size. */
    static final class Corner implements Transform<Void> {
        private final Position position;
        private final int height;
        private final int width;

        Corner(Position position, int height, int width) {
            this.position = position;
            this.height = height;
            this.width = width;
        }

        @Override
        public Void draw(SplittableRandom random, int h, int w) {
            return null;
        }

        @Override
        public Picture apply(Picture in, Void params) {
            if (in.height() < height || in.width() < width) {
                throw new IllegalArgumentException("ten-crop of " + width + "x" + height + " from a smaller " + in);
            }
            boolean bottom = position == Position.BOTTOM_LEFT || position == Position.BOTTOM_RIGHT;
            boolean right = position == Position.TOP_RIGHT || position == Position.BOTTOM_RIGHT;
            return in.crop(bottom ? in.height() - height : 0, right ? in.width() - width : 0, height, width);
        }

        @Override
        public String toString() {
            return "Crop(" + position + ", " + height + "x" + width + ")";
        }
    }
}
