package org.resnet4j.train;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Random;
import org.resnet4j.dataset.ImageSet;
import org.resnet4j.dataset.LoadedDataset;

/** Tiny synthetic data sets and configs for the training tests. */
final class TestData {
    private TestData() {}

    /** {@code n} random 3x8x8 images of 4 classes; each class brightens one quadrant, so it is learnable. */
    static ImageSet images(String name, int n, long seed) {
        Random r = new Random(seed);
        int c = 3, h = 8, w = 8;
        byte[] px = new byte[n * c * h * w];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int quadrant = (y / 4) * 2 + x / 4;
                    for (int ch = 0; ch < c; ch++) {
                        int v = r.nextInt(128) + (quadrant == labels[i] ? 100 : 0);
                        px[i * c * h * w + (y * w + x) * c + ch] = (byte) v;
                    }
                }
            }
        }
        return new ImageSet(name, List.of("a", "b", "c", "d"), c, h, w, px, labels);
    }

    static LoadedDataset dataset() {
        return new LoadedDataset("synthetic", List.of("a", "b", "c", "d"), images("train", 256, 1), images("test", 64, 2),
                "memory", "synthetic-1");
    }

    /** resnet8 on 3x8x8, batch 32, val 32 (so 7 batches an epoch), {@code epochs} epochs, one thread. */
    static TrainConfig config(int epochs) {
        JsonObject f = new JsonObject();
        f.addProperty("model", "resnet8");
        f.addProperty("dataset", "synthetic");
        f.addProperty("batchSize", 32);
        f.addProperty("valSplit", 32);
        f.addProperty("epochs", epochs);
        f.addProperty("lr", 0.05);
        f.addProperty("threads", 1);
        f.addProperty("workers", 1);
        return TrainConfig.resolve(new JsonObject(), f);
    }
}
