package org.resnet4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.resnet4j.ResNet4jException;
import org.resnet4j.dataset.ImageSet;
import org.resnet4j.dataset.Normalization;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNets;

class EvaluatorTest {
    static ImageSet images(int n, int c, int size, List<String> classes, long seed) {
        Random r = new Random(seed);
        byte[] pixels = new byte[n * c * size * size];
        r.nextBytes(pixels);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes.size();
        }
        return new ImageSet("test", classes, c, size, size, pixels, labels);
    }

    static ResNetModel model(int channels, int size) {
        ResNetModel m = ResNetModel.create(ResNets.spec("resnet8").withInput(channels, size, size).withClasses(3), 1);
        m.setClasses(TinyModels.CLASSES);
        return m;
    }

    @Test
    void countsEveryImageOnceWithAPartialLastBatch() {
        try (ResNetModel m = model(3, 8)) {
            ClassificationReport r = Evaluator.evaluate(m, images(10, 3, 8, TinyModels.CLASSES, 1), 4, "--dataset x");
            assertThat(r.count()).isEqualTo(10);
            assertThat(r.perClass()).extracting(ClassificationReport.ClassMetrics::support).containsExactly(4L, 3L, 3L);
            assertThat(r.loss()).isPositive();
        }
    }

    @Test
    void batchLoaderAndDirectPathsAgreeIncludingResize() {
        try (ResNetModel m = model(3, 8)) {
            m.setNormalization(new Normalization(Normalization.PER_CHANNEL, new int[] {3, 16, 16},
                    new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.25f, 0.2f, 0.3f}));
            ImageSet big = images(6, 3, 16, TinyModels.CLASSES, 2);
            ClassificationReport viaLoader = Evaluator.evaluate(m, big, 4, "x", false);
            ClassificationReport direct = Evaluator.evaluate(m, big, 4, "x", true);
            assertThat(viaLoader.loss()).isCloseTo(direct.loss(), within(1e-4));
            assertThat(viaLoader.confusion()).isEqualTo(direct.confusion());
        }
    }

    @Test
    void perPixelMeanOfAnotherSizeIsResizedWithTheImages() {
        try (ResNetModel m = model(3, 8)) {
            float[] mean = new float[3 * 16 * 16];
            java.util.Arrays.fill(mean, 0.5f);
            m.setNormalization(new Normalization(Normalization.PER_PIXEL, new int[] {3, 16, 16}, mean, null));
            ImageSet set16 = images(4, 3, 16, TinyModels.CLASSES, 3);
            ImageSet set12 = images(4, 3, 12, TinyModels.CLASSES, 3);
            assertThat(Evaluator.evaluate(m, set16, 4, "x").count()).isEqualTo(4);
            assertThat(Evaluator.evaluate(m, set12, 4, "x").count()).isEqualTo(4);
        }
    }

    @Test
    void channelMismatchIsOneClearLine() {
        try (ResNetModel m = model(3, 32)) {
            assertThatThrownBy(() -> Evaluator.evaluate(m, images(2, 1, 28, TinyModels.CLASSES, 1), 4, "--dataset fashion-mnist"))
                    .isInstanceOf(ResNet4jException.class)
                    .hasMessage("--dataset fashion-mnist has 1-channel 28x28 images but the model wants 3x32x32");
        }
    }

    @Test
    void classMismatchesAreErrorsAndReorderedNamesAreMapped() {
        try (ResNetModel m = model(3, 8)) {
            assertThatThrownBy(() -> Evaluator.evaluate(m, images(2, 3, 8, List.of("a", "b"), 1), 4, "--dataset folder"))
                    .hasMessage("--dataset folder has 2 classes but the model has 3 (cat, dog, frog)");
            assertThatThrownBy(() -> Evaluator.evaluate(m, images(2, 3, 8, List.of("cat", "dog", "emu"), 1), 4, "--dataset folder"))
                    .hasMessageContaining("class 'emu' which the model does not know");
            assertThat(Evaluator.labelMap(List.of("cat", "dog", "frog"), List.of("frog", "cat", "dog"), "x"))
                    .containsExactly(2, 0, 1);
            assertThat(Evaluator.labelMap(List.of("0", "1"), List.of("x", "y"), "x")).containsExactly(0, 1);
        }
    }
}
