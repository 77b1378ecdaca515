package org.resnet4j.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.resnet4j.util.Devices;

class BatchLoaderTest {
    static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager(ai.djl.Device.cpu(), Devices.engine().getEngineName());
    }

    @AfterAll
    static void release() {
        manager.close();
    }

    /** The cifar preset's training transforms for {@code set}'s size. */
    static Pipeline cifar(ImageSet set, Normalization norm, int pad, boolean flip, double erase) {
        Normalization n = norm != null ? norm : Normalization.none(set.channels(), set.height(), set.width());
        return Preset.named("cifar").train(set.channels(), set.height(), set.width(), n, new Preset.Options(pad, flip, erase));
    }

    static Pipeline none(ImageSet set) {
        return cifar(set, null, 0, false, 0);
    }

    @Test
    void withoutAugmentationBatchesArePixelsOver255InChwOrder() {
        ImageSet set = TestImages.random(10, 3, 3, 4, 5, 1);
        try (BatchLoader loader = new BatchLoader(set, none(set), 4, false, false, 1, 0, manager, 1)) {
            assertThat(loader.batchesPerEpoch()).isEqualTo(3);
            List<Integer> sizes = new ArrayList<>();
            int image = 0;
            while (loader.hasNext()) {
                try (Batch b = loader.next()) {
                    sizes.add(b.size());
                    assertThat(b.images().getShape().getShape()).containsExactly(b.size(), 3, 4, 5);
                    assertThat(b.images().getDataType()).isEqualTo(ai.djl.ndarray.types.DataType.FLOAT32);
                    assertThat(b.labels().getDataType()).isEqualTo(ai.djl.ndarray.types.DataType.INT64);
                    float[] x = b.images().toFloatArray();
                    long[] labels = b.labels().toLongArray();
                    for (int i = 0; i < b.size(); i++, image++) {
                        assertThat(labels[i]).isEqualTo(set.label(image));
                        for (int c = 0; c < 3; c++) {
                            for (int y = 0; y < 4; y++) {
                                for (int xx = 0; xx < 5; xx++) {
                                    int stored = set.pixels()[image * 60 + (y * 5 + xx) * 3 + c] & 0xFF;
                                    assertThat(x[i * 60 + c * 20 + y * 5 + xx]).isEqualTo(stored / 255f);
                                }
                            }
                        }
                    }
                }
            }
            assertThat(sizes).containsExactly(4, 4, 2);
        }
    }

    @Test
    void dropLastDropsThePartialBatch() {
        ImageSet set = TestImages.random(10, 3, 1, 2, 2, 1);
        try (BatchLoader loader = new BatchLoader(set, none(set), 4, true, true, 1, 0, manager, 2)) {
            assertThat(loader.batchesPerEpoch()).isEqualTo(2);
        }
    }

    @Test
    void sameSeedAndEpochGiveTheSameDataWhateverTheThreadsAndOtherEpochsDiffer() {
        ImageSet set = TestImages.random(100, 10, 3, 8, 8, 2);
        Normalization norm = Normalization.compute(set, Normalization.PER_PIXEL);
        float[] a = epoch(set, norm, 5, 3, 1);
        float[] b = epoch(set, norm, 5, 3, 3);
        float[] c = epoch(set, norm, 5, 4, 1);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    private static float[] epoch(ImageSet set, Normalization norm, long seed, int epoch, int threads) {
        List<float[]> parts = new ArrayList<>();
        try (BatchLoader loader = loader(set, norm, seed, epoch, threads)) {
            while (loader.hasNext()) {
                try (Batch b = loader.next()) {
                    parts.add(b.images().toFloatArray());
                }
            }
        }
        return concat(parts);
    }

    @Test
    void perPixelMeanOfTheTrainingSetIsSubtracted() {
        ImageSet set = TestImages.random(50, 5, 3, 4, 4, 3);
        Normalization norm = Normalization.compute(set, Normalization.PER_PIXEL);
        double[] sum = new double[48];
        try (BatchLoader loader = new BatchLoader(set, cifar(set, norm, 0, false, 0), 50, false, false, 0, 0, manager, 1);
                Batch b = loader.next()) {
            float[] x = b.images().toFloatArray();
            for (int i = 0; i < x.length; i++) {
                sum[i % 48] += x[i];
            }
        }
        for (double s : sum) {
            assertThat(s / 50).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void padCropShiftsTheImageAndPadsWithZeros() {
        ImageSet set = TestImages.random(1, 1, 1, 6, 6, 4);
        Pipeline t = cifar(set, null, 3, false, 0);
        float[] out = new float[36];
        t.apply(set, 0, new SplittableRandom(11), out, 0);
        SplittableRandom replay = new SplittableRandom(11);
        int dy = replay.nextInt(7) - 3; // the crop's corner in the padded 12x12 image, less the padding
        int dx = replay.nextInt(7) - 3;
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                int sy = y + dy;
                int sx = x + dx;
                float expected = sy < 0 || sy >= 6 || sx < 0 || sx >= 6 ? 0f : (set.pixels()[sy * 6 + sx] & 0xFF) / 255f;
                assertThat(out[y * 6 + x]).isEqualTo(expected);
            }
        }
    }

    @Test
    void randomErasingZeroesOneRectangleOfTwoToFortyPercentAndLeavesTheRest() {
        byte[] px = new byte[3 * 28 * 28];
        java.util.Arrays.fill(px, (byte) 255); // every pixel 1.0, so erased ones are the only zeros
        ImageSet set = new ImageSet("t", List.of("a"), 3, 28, 28, px, new int[] {0});
        Pipeline always = cifar(set, null, 0, false, 1.0);
        float[] out = new float[3 * 28 * 28];
        java.util.Set<Integer> sizes = new java.util.HashSet<>();
        for (int seed = 0; seed < 50; seed++) {
            always.apply(set, 0, new SplittableRandom(seed), out, 0);
            int zeros = 0;
            int top = 28;
            int bottom = -1;
            int left = 28;
            int right = -1;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean erased = out[(y * 28 + x) * 3] == 0f;
                    for (int ch = 1; ch < 3; ch++) {
                        assertThat(out[(y * 28 + x) * 3 + ch] == 0f).isEqualTo(erased); // all channels together
                    }
                    if (erased) {
                        zeros++;
                        top = Math.min(top, y);
                        bottom = Math.max(bottom, y);
                        left = Math.min(left, x);
                        right = Math.max(right, x);
                    }
                }
            }
            assertThat(zeros).as("seed %d", seed).isEqualTo((bottom - top + 1) * (right - left + 1)); // one rectangle
            assertThat(zeros / 784.0).isBetween(0.015, 0.42);
            sizes.add(zeros);
        }
        assertThat(sizes).hasSizeGreaterThan(20); // sizes vary with the seed

        Pipeline never = cifar(set, null, 0, false, 0.0);
        never.apply(set, 0, new SplittableRandom(1), out, 0);
        assertThat(out).containsOnly(1f);
        assertThatThrownBy(() -> new RandomErasing(1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void flipMirrorsEachRow() {
        byte[] px = {0, 10, 20, 30};
        ImageSet set = new ImageSet("t", List.of("a"), 1, 1, 4, px, new int[] {0});
        Pipeline flip = cifar(set, null, 0, true, 0);
        float[] out = new float[4];
        long seed = 0;
        while (!(new SplittableRandom(seed).nextDouble() < 0.5)) { // a seed whose first draw flips
            seed++;
        }
        flip.apply(set, 0, new SplittableRandom(seed), out, 0);
        assertThat(out).containsExactly(30 / 255f, 20 / 255f, 10 / 255f, 0f);
    }

    @Test
    void loadersReusingTheBatchAreasOfClosedOnesGiveTheSameData() {
        // a closed loader's batch areas serve the next loader of the same shape; closing it again must not
        // hand them to a second loader while the first still fills them
        ImageSet set = TestImages.random(100, 10, 3, 8, 8, 2);
        Normalization norm = Normalization.compute(set, Normalization.PER_PIXEL);
        float[] expected3 = epoch(set, norm, 5, 3, 2);
        float[] expected4 = epoch(set, norm, 5, 4, 2);
        BatchLoader closed = loader(set, norm, 5, 3, 2);
        closed.close();
        try (BatchLoader a = loader(set, norm, 5, 3, 2)) {
            closed.close();
            try (BatchLoader b = loader(set, norm, 5, 4, 2)) {
                List<float[]> fromA = new ArrayList<>();
                List<float[]> fromB = new ArrayList<>();
                while (a.hasNext() || b.hasNext()) { // both epochs at once, batch by batch
                    if (a.hasNext()) {
                        try (Batch x = a.next()) {
                            fromA.add(x.images().toFloatArray());
                        }
                    }
                    if (b.hasNext()) {
                        try (Batch x = b.next()) {
                            fromB.add(x.images().toFloatArray());
                        }
                    }
                }
                assertThat(concat(fromA)).isEqualTo(expected3);
                assertThat(concat(fromB)).isEqualTo(expected4);
            }
        }
        assertThat(epoch(set, norm, 5, 3, 1)).as("a loader after both").isEqualTo(expected3);
    }

    /** Shuffled batches of 16 with pad-2 crops and flips. */
    private static BatchLoader loader(ImageSet set, Normalization norm, long seed, int epoch, int threads) {
        return new BatchLoader(set, cifar(set, norm, 2, true, 0), 16, true, false, seed, epoch, manager, threads);
    }

    private static float[] concat(List<float[]> parts) {
        float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void closeMidEpochStopsPromptly() {
        ImageSet set = TestImages.random(2000, 10, 3, 32, 32, 5);
        long start = System.nanoTime();
        try (BatchLoader loader = new BatchLoader(set, cifar(set, null, 4, true, 0), 64, true, false, 1, 0, manager, 2)) {
            loader.next().close();
        }
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(5);
    }
}
