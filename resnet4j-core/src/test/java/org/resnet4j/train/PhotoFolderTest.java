package org.resnet4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.dataset.Datasets;
import org.resnet4j.dataset.LoadOptions;
import org.resnet4j.dataset.LoadedDataset;
import org.resnet4j.dataset.Preset;

/**
 * A folder of photo-like images of mixed sizes, end to end with every preset: CIFAR-10 test JPEGs
 * ({@code ../shared/data}) upscaled to random sizes and aspect ratios, with a PNG, a grey image and a
 * portrait smaller than the crop; resnet18 at 3x64x64 trains an epoch, evaluates with the centre
 * crop and with ten crops, predicts, and resumes.
 */
class PhotoFolderTest {
    static final Path ZIP = Path.of("..", "shared", "data", "cifar10-jpeg.zip");
    static final List<String> CLASSES = List.of("bird", "cat", "ship");

    @TempDir static Path data;
    @TempDir Path tmp;

    @BeforeAll
    static void writePhotos() throws IOException {
        Assumptions.assumeTrue(Files.exists(ZIP), ZIP.toAbsolutePath() + " not found: skipping the photo-folder tests");
        SplittableRandom random = new SplittableRandom(18);
        try (ZipFile zip = new ZipFile(ZIP.toFile())) {
            for (String c : CLASSES) {
                for (int i = 0; i < 13; i++) {
                    String split = i < 10 ? "train" : "test";
                    BufferedImage small = ImageIO.read(new ByteArrayInputStream(
                            zip.getInputStream(zip.getEntry(String.format("train/%s/%04d.jpg", c, i))).readAllBytes()));
                    int w = 48 + random.nextInt(200);
                    int h = (int) (w * (0.6 + random.nextDouble() * 0.9));
                    if (i == 12) { // a portrait smaller than the 64x64 crop
                        w = 30;
                        h = 50;
                    }
                    boolean grey = i == 3;
                    BufferedImage big = new BufferedImage(w, h, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
                    var g = big.createGraphics();
                    g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                    g.drawImage(small, 0, 0, w, h, null);
                    g.dispose();
                    Path dir = Files.createDirectories(data.resolve(split).resolve(c));
                    String format = i == 4 || i == 11 ? "png" : "jpg";
                    ImageIO.write(big, format.equals("jpg") ? "jpeg" : "png", dir.resolve(i + "." + format).toFile());
                }
            }
        }
    }

    static TrainCommandTest.Run cli(String... args) {
        return TrainCommandTest.cli(args);
    }

    static String[] train(Path out, String preset, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--model", "resnet18", "--dataset", "folder", "--data",
                data.toString(), "--preset", preset, "--input", "3x64x64", "--epochs", "1", "--batch-size", "10",
                "--val-split", "0", "--lr", "0.01", "--threads", "2", "--workers", "2", "--quiet", "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void eachPresetTrainsEvaluatesWithCentreAndTenCropsAndPredicts() throws IOException {
        for (String preset : Preset.NAMES) {
            Path run = tmp.resolve(preset);
            TrainCommandTest.Run r = cli(train(run, preset));
            assertThat(r.code()).as(preset + ": " + r.err()).isZero();
            Path model = run.resolve("model");
            JsonObject meta = JsonParser.parseString(Files.readString(model.resolve("model.json"))).getAsJsonObject();
            assertThat(meta.get("preset").getAsString()).isEqualTo(preset);
            assertThat(meta.getAsJsonObject("spec").toString()).contains("64");

            TrainCommandTest.Run eval = cli("eval", "--model-dir", model.toString(), "--dataset", "folder", "--data", data.toString(),
                    "--json");
            assertThat(eval.code()).as(preset + ": " + eval.err()).isZero();
            JsonObject report = JsonParser.parseString(eval.out()).getAsJsonObject();
            assertThat(report.get("count").getAsInt()).isEqualTo(9);
            assertThat(report.get("loss").getAsDouble()).isFinite();

            TrainCommandTest.Run ten = cli("eval", "--model-dir", model.toString(), "--dataset", "folder", "--data", data.toString(),
                    "--json", "--ten-crop");
            if (preset.equals("cifar")) {
                assertThat(ten.code()).isEqualTo(1);
                assertThat(ten.err().trim()).startsWith("resnet4j: --ten-crop:").doesNotContain("\n");
            } else {
                assertThat(ten.code()).as(preset + ": " + ten.err()).isZero();
                JsonObject tenReport = JsonParser.parseString(ten.out()).getAsJsonObject();
                assertThat(tenReport.get("count").getAsInt()).isEqualTo(9);
                assertThat(tenReport.get("loss").getAsDouble()).isFinite().isNotEqualTo(report.get("loss").getAsDouble());
            }

            TrainCommandTest.Run predict = cli("predict", "--model-dir", model.toString(), data.resolve("test").toString(),
                    "--json", "--top", "2");
            assertThat(predict.code()).as(preset + ": " + predict.err()).isZero();
            JsonArray rows = JsonParser.parseString(predict.out()).getAsJsonArray();
            assertThat(rows).hasSize(9);
            rows.forEach(row -> assertThat(CLASSES).contains(row.getAsJsonObject().getAsJsonArray("predictions").get(0)
                    .getAsJsonObject().get("class").getAsString()));
        }
    }

    @Test
    void mixedSizesWithTheCifarPresetAndNoInputSayWhichFlagToSet() {
        TrainCommandTest.Run r = cli("train", "--model", "resnet18", "--dataset", "folder", "--data", data.toString(), "--epochs",
                "1", "--quiet", "--out", tmp.resolve("run").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().trim()).startsWith("resnet4j: ").contains("--input CxHxW").contains("--preset imagenet")
                .doesNotContain("\n");
    }

    @Test
    void anInterruptedPhotoRunResumesToTheSameWeights() {
        TrainConfig cfg = config(Preset.IMAGENET_PAPER, 2);
        StringWriter log = new StringWriter();
        Path full = tmp.resolve("full");
        ResumeTest.trainer(full, log).start(cfg, Trainer.loadData(cfg));
        Path cut = tmp.resolve("cut");
        Trainer t = ResumeTest.trainer(cut, log);
        t.stopAtIteration = 4; // epoch 2, batch 1 of 3
        assertThat(t.start(cfg, Trainer.loadData(cfg)).status()).isEqualTo(Trainer.Status.INTERRUPTED);
        Trainer.Result r = ResumeTest.trainer(cut, log).resume(Trainer.readConfig(cut), Trainer.loadData(cfg));
        assertThat(r.status()).isEqualTo(Trainer.Status.FINISHED);
        assertSameWeights(full, cut);
    }

    @Test
    void streamedAndCachedFilesTrainToTheSameWeights() {
        TrainConfig cfg = config(Preset.IMAGENET, 1);
        StringWriter log = new StringWriter();
        LoadOptions base = new LoadOptions(false, 0, false, false);
        LoadedDataset streamed = Datasets.load("folder", data, base.indexed(0));
        LoadedDataset cached = Datasets.load("folder", data, base.indexed(Long.MAX_VALUE));
        ResumeTest.trainer(tmp.resolve("streamed"), log).start(cfg, streamed);
        ResumeTest.trainer(tmp.resolve("cached"), log).start(cfg, cached);
        assertSameWeights(tmp.resolve("streamed"), tmp.resolve("cached"));
    }

    /** The tensors whose values differ between two runs' final weights (resnet18 is too large for assertj's diffs). */
    static List<String> differences(Path a, Path b) {
        var wa = ResumeTest.weights(a);
        var wb = ResumeTest.weights(b);
        assertThat(wa.keySet()).isEqualTo(wb.keySet());
        List<String> differ = new java.util.ArrayList<>();
        wa.forEach((k, v) -> {
            if (!java.util.Arrays.equals(v.data(), wb.get(k).data())) {
                differ.add(k);
            }
        });
        return differ;
    }

    static void assertSameWeights(Path a, Path b) {
        assertThat(differences(a, b)).as("tensors that differ").isEmpty();
    }

    /** resnet18 at 3x32x32 on the photos, batch 10 (3 batches an epoch), two threads. */
    static TrainConfig config(String preset, int epochs) {
        JsonObject f = new JsonObject();
        f.addProperty("model", "resnet18");
        f.addProperty("input", "3x32x32");
        f.addProperty("dataset", "folder");
        f.addProperty("data", data.toString());
        f.addProperty("preset", preset);
        f.addProperty("batchSize", 10);
        f.addProperty("valSplit", 0);
        f.addProperty("epochs", epochs);
        f.addProperty("lr", 0.01);
        f.addProperty("threads", 2);
        f.addProperty("workers", 2);
        return TrainConfig.resolve(new JsonObject(), f);
    }
}
