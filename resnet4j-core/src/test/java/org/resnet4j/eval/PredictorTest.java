package org.resnet4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.ResNet4jException;
import org.resnet4j.model.ResNetModel;

class PredictorTest {
    @TempDir static Path tmp;
    static Path modelDir;

    @BeforeAll
    static void model() {
        modelDir = TinyModels.save(tmp.resolve("model"));
    }

    @Test
    void pngJpegAndGreyImagesOfAnySizeArePredicted() throws Exception {
        Path png = TinyModels.image(tmp.resolve("in/a.png"), 20, 13, BufferedImage.TYPE_INT_RGB, "png", 1);
        Path jpg = TinyModels.image(tmp.resolve("in/b.jpg"), 8, 8, BufferedImage.TYPE_INT_RGB, "jpg", 2);
        Path grey = TinyModels.image(tmp.resolve("in/c.png"), 5, 7, BufferedImage.TYPE_BYTE_GRAY, "png", 3);
        try (ResNetModel m = ResNetModel.load(modelDir)) {
            List<Predictor.Result> rs = new Predictor(m).predict(List.of(png, jpg, grey), 2);
            assertThat(rs).extracting(Predictor.Result::file).containsExactly(png, jpg, grey);
            for (Predictor.Result r : rs) {
                assertThat(r.failed()).as(String.valueOf(r.error())).isFalse();
                assertThat(r.predictions()).hasSize(2);
                assertThat(r.predictions().get(0).probability()).isGreaterThanOrEqualTo(r.predictions().get(1).probability());
                assertThat(TinyModels.CLASSES).contains(r.predictions().get(0).className());
            }
            List<Predictor.Result> all = new Predictor(m).predict(List.of(png), 10);
            assertThat(all.get(0).predictions()).hasSize(3);
            assertThat(all.get(0).predictions().stream().mapToDouble(Predictor.ClassProbability::probability).sum())
                    .isCloseTo(1.0, within(1e-6));
        }
    }

    /** Issue 17 item 7: a model whose output is not finite gives an error for the image, never NaN probabilities. */
    @Test
    void aNonFiniteOutputIsAnErrorNotANaNProbability() throws Exception {
        Path a = TinyModels.image(tmp.resolve("nan/a.png"), 8, 8, BufferedImage.TYPE_INT_RGB, "png", 5);
        try (ResNetModel m = ResNetModel.load(modelDir)) {
            m.trainableParameters().get("fc.bias").getArray().set(new float[] {Float.NaN, 0f, 0f});
            List<Predictor.Result> rs = new Predictor(m).predict(List.of(a), 3);
            assertThat(rs.get(0).failed()).isTrue();
            assertThat(rs.get(0).predictions()).isNull();
            assertThat(rs.get(0).error()).startsWith(a + ": ").contains("not a number");
            assertThatThrownBy(() -> new Predictor(m).predict(javax.imageio.ImageIO.read(a.toFile()), 3))
                    .isInstanceOf(ResNet4jException.class);
        }
    }

    @Test
    void batchedPredictionEqualsOneByOne() throws Exception {
        Path a = TinyModels.image(tmp.resolve("same/a.png"), 8, 8, BufferedImage.TYPE_INT_RGB, "png", 4);
        try (ResNetModel m = ResNetModel.load(modelDir)) {
            Predictor p = new Predictor(m);
            var single = p.predict(javax.imageio.ImageIO.read(a.toFile()), 3);
            var batched = p.predict(List.of(a, a), 3);
            assertThat(batched.get(1).predictions().get(0).probability())
                    .isCloseTo(single.get(0).probability(), within(1e-5));
        }
    }

    @Test
    void unreadableFilesGetTheirOwnErrorAndOthersContinue() throws Exception {
        Path good = TinyModels.image(tmp.resolve("mixed/good.png"), 8, 8, BufferedImage.TYPE_INT_RGB, "png", 5);
        Path bad = tmp.resolve("mixed/bad.jpg");
        Files.writeString(bad, "not an image");
        Path missing = tmp.resolve("mixed/missing.png");
        try (ResNetModel m = ResNetModel.load(modelDir)) {
            List<Predictor.Result> rs = new Predictor(m).predict(List.of(bad, good, missing), 1);
            assertThat(rs).hasSize(3);
            assertThat(rs.get(0).error()).contains("bad.jpg").contains("not an image");
            assertThat(rs.get(1).failed()).isFalse();
            assertThat(rs.get(2).error()).contains("no such file");
        }
    }

    @Test
    void foldersExpandToTheirImagesSorted() throws Exception {
        Path dir = tmp.resolve("folder");
        TinyModels.image(dir.resolve("b.png"), 8, 8, BufferedImage.TYPE_INT_RGB, "png", 6);
        TinyModels.image(dir.resolve("a.bmp"), 8, 8, BufferedImage.TYPE_INT_RGB, "bmp", 7);
        TinyModels.image(dir.resolve("sub/c.gif"), 8, 8, BufferedImage.TYPE_INT_RGB, "gif", 8);
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        assertThat(Predictor.expand(dir)).extracting(p -> dir.relativize(p).toString())
                .containsExactly("a.bmp", "b.png", "sub/c.gif");
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> Predictor.expand(tmp.resolve("empty"))).isInstanceOf(ResNet4jException.class)
                .hasMessageContaining("no images");
    }

    @Test
    void topMustBePositive() {
        try (ResNetModel m = ResNetModel.load(modelDir)) {
            assertThatThrownBy(() -> new Predictor(m).predict(List.of(tmp), 0)).hasMessageContaining("--top");
        }
    }
}
