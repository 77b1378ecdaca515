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
    void tenCropScoresAreTheLogOfTheMeanSoftmax() {
        float[] logits = {1, 2, 3, 0, 0, 0, 5, -1, 2, 2, 2, 2}; // 2 images x 2 views x 3 classes
        float[] avg = Evaluator.averageViews(logits, 2, 2, 3);
        double[] p0 = softmax(1, 2, 3);
        double[] p1 = softmax(0, 0, 0);
        double[] mean = softmax(avg[0], avg[1], avg[2]);
        for (int j = 0; j < 3; j++) {
            assertThat(mean[j]).isCloseTo((p0[j] + p1[j]) / 2, within(1e-6));
            assertThat(Math.exp(avg[j])).isCloseTo((p0[j] + p1[j]) / 2, within(1e-6));
        }
        assertThat(Math.exp(avg[3]) + Math.exp(avg[4]) + Math.exp(avg[5])).isCloseTo(1, within(1e-6));
    }

    private static double[] softmax(double... x) {
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v);
        }
        double[] p = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            p[i] = Math.exp(x[i]) / sum;
        }
        return p;
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
    void greyImagesAreRepeatedToRgbForAnRgbModel() {
        try (ResNetModel m = model(3, 32)) {
            ImageSet grey = images(2, 1, 28, TinyModels.CLASSES, 1);
            byte[] rgb = new byte[2 * 28 * 28 * 3];
            for (int i = 0; i < grey.pixels().length; i++) {
                rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = grey.pixels()[i];
            }
            ImageSet same = new ImageSet("test", TinyModels.CLASSES, 3, 28, 28, rgb, grey.labels());
            assertThat(Evaluator.evaluate(m, grey, 4, "x").loss()).isEqualTo(Evaluator.evaluate(m, same, 4, "x").loss());
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
