package org.resnet4j.dataset;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/** Small synthetic image sets for tests. */
final class TestImages {
    private TestImages() {}

    /** {@code n} random images of shape c x h x w, labels cycling through {@code classes}. */
    static ImageSet random(int n, int classes, int c, int h, int w, long seed) {
        Random r = new Random(seed);
        byte[] px = new byte[n * c * h * w];
        r.nextBytes(px);
        int[] labels = IntStream.range(0, n).map(i -> i % classes).toArray();
        List<String> names = IntStream.range(0, classes).mapToObj(i -> "class" + i).toList();
        return new ImageSet("train", names, c, h, w, px, labels);
    }
}
