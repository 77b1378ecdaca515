package org.resnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.eval.TinyModels;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNets;

class EvalCommandTest {
    @TempDir static Path tmp;
    static Path data;
    static Path model;

    /** A folder data set: train/ and test/ with three 8x8 PNGs per class. */
    @BeforeAll
    static void setUp() throws Exception {
        data = tmp.resolve("data");
        long seed = 0;
        for (String split : List.of("train", "test")) {
            for (String c : TinyModels.CLASSES) {
                for (int i = 0; i < 3; i++) {
                    TinyModels.image(data.resolve(split).resolve(c).resolve(i + ".png"), 8, 8, BufferedImage.TYPE_INT_RGB,
                            "png", seed++);
                }
            }
        }
        model = TinyModels.save(tmp.resolve("model"));
    }

    private static CliRun eval(String... extra) {
        String[] base = {"eval", "--model-dir", model.toString(), "--dataset", "folder", "--data", data.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    /** Issue 17 item 9: an --out that cannot be written is refused before anything is computed (or loaded). */
    @Test
    void unwritableOutIsRefusedFirst() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        String[] args = {"eval", "--model-dir", model.toString(), "--dataset", "folder", "--data",
            tmp.resolve("no-data").toString(), "--out", file.resolve("eval").toString()};
        CliRun r = CliRun.of(args);
        assertThat(r.code()).isNotZero();
        assertThat(r.err().trim()).startsWith("resnet4j: --out " + file.resolve("eval")).contains("not a directory")
                .doesNotContain("\n");
    }

    @Test
    void jsonOnStdoutHasTheIssueShape() {
        CliRun r = eval("--json");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        JsonObject j = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(j.keySet()).containsExactly("top1_error", "top5_error", "loss", "count", "per_class", "confusion");
        assertThat(j.get("count").getAsInt()).isEqualTo(9);
        assertThat(j.get("top1_error").getAsDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("top5_error").getAsDouble()).isEqualTo(0.0);
        JsonArray pc = j.getAsJsonArray("per_class");
        assertThat(pc).hasSize(3);
        assertThat(pc.get(0).getAsJsonObject().keySet()).containsExactly("class", "precision", "recall", "f1", "support");
        assertThat(pc.get(1).getAsJsonObject().get("class").getAsString()).isEqualTo("dog");
        assertThat(pc.get(1).getAsJsonObject().get("support").getAsInt()).isEqualTo(3);
        JsonArray confusion = j.getAsJsonArray("confusion");
        assertThat(confusion).hasSize(3);
        int total = 0;
        for (int i = 0; i < 3; i++) {
            int row = 0;
            for (var v : confusion.get(i).getAsJsonArray()) {
                row += v.getAsInt();
            }
            assertThat(row).as("row %d = support of true class", i).isEqualTo(3);
            total += row;
        }
        assertThat(total).isEqualTo(9);
    }

    @Test
    void outWritesReportJsonTextAndConfusionPng() throws Exception {
        Path out = tmp.resolve("report");
        CliRun r = eval("--out", out.toString(), "--split", "train");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("resnet8 on folder train (9 images)", "precision", "recall", "f1-score",
                "true \\ predicted", "wrote");
        JsonObject j = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject();
        assertThat(j.get("count").getAsInt()).isEqualTo(9);
        assertThat(Files.readString(out.resolve("report.txt"))).contains("macro avg");
        BufferedImage png = ImageIO.read(out.resolve("confusion.png").toFile());
        assertThat(png).isNotNull();
    }

    @Test
    void valSplitIsTheHoldOutRecordedInTheModelsTrainingConfig() {
        Path withConfig = tmp.resolve("trained");
        try (ResNetModel m = ResNetModel.create(ResNets.spec("resnet8").withInput(3, 8, 8).withClasses(3), 1)) {
            m.setClasses(TinyModels.CLASSES);
            JsonObject config = new JsonObject();
            config.addProperty("valSplit", 3);
            config.addProperty("seed", 7);
            m.provenance().add("config", config);
            m.save(withConfig);
        }
        CliRun r = CliRun.of("eval", "--model-dir", withConfig.toString(), "--dataset", "folder", "--data", data.toString(),
                "--split", "val", "--json");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        JsonObject j = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(j.get("count").getAsInt()).isEqualTo(3);
        for (var c : j.getAsJsonArray("per_class")) {
            assertThat(c.getAsJsonObject().get("support").getAsInt()).isEqualTo(1); // stratified
        }
    }

    @Test
    void valSplitWithoutATrainingConfigIsAClearError() {
        CliRun r = eval("--split", "val");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("records no training config").contains("--split test");
    }

    @Test
    void missingModelDirectory() {
        CliRun r = CliRun.of("eval", "--model-dir", tmp.resolve("nope").toString(), "--dataset", "folder", "--data",
                data.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no such model directory");
    }

    @Test
    void datasetModelMismatches() {
        // colour images for a grey model are converted, as predict and training with --input convert them
        Path grey = TinyModels.save(tmp.resolve("grey"), 1, 8, TinyModels.CLASSES);
        CliRun r = CliRun.of("eval", "--model-dir", grey.toString(), "--dataset", "folder", "--data", data.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"count\": ");

        Path two = TinyModels.save(tmp.resolve("two"), 3, 8, List.of("cat", "dog"));
        r = CliRun.of("eval", "--model-dir", two.toString(), "--dataset", "folder", "--data", data.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("--dataset folder has 3 classes but the model has 2 (cat, dog)");
    }

    @Test
    void badArgumentsAndData() {
        assertThat(eval("--split", "dev").err()).contains("--split: expected test, val or train");
        assertThat(eval("--split", "dev").code()).isEqualTo(2);
        assertThat(eval("--batch-size", "0").err()).contains("--batch-size");
        CliRun r = CliRun.of("eval", "--model-dir", model.toString(), "--dataset", "imagenet", "--data", data.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown dataset");
        r = CliRun.of("eval", "--model-dir", model.toString(), "--dataset", "folder", "--data", tmp.resolve("none").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no such file");
        assertThat(CliRun.of("eval", "--dataset", "folder").code()).isEqualTo(2);
    }
}
