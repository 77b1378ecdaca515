package org.resnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.dataset.Datasets;
import org.resnet4j.dataset.ImageSet;
import org.resnet4j.dataset.LoadOptions;
import org.resnet4j.dataset.LoadedDataset;
import org.resnet4j.dataset.Splits;
import org.resnet4j.eval.ClassificationReport;
import org.resnet4j.eval.Evaluator;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNets;

/** Evaluation and prediction on the real CIFAR-10 JPEG zip ({@code ../shared/data}); skipped where it is absent. */
class CifarEndToEndTest {
    static final Path ZIP = Path.of("..", "shared", "data", "cifar10-jpeg.zip");
    static final List<String> CIFAR10 = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
            "ship", "truck");

    @TempDir static Path tmp;
    static Path modelDir;

    @BeforeAll
    static void setUp() {
        Assumptions.assumeTrue(Files.exists(ZIP), ZIP.toAbsolutePath() + " not found: skipping");
        modelDir = tmp.resolve("resnet8");
        try (ResNetModel m = ResNetModel.create(ResNets.spec("resnet8").withClasses(10), 3)) {
            m.setClasses(CIFAR10);
            m.save(modelDir);
        }
    }

    @Test
    void evaluatesAFreshResnet8OnAThousandTestImages() {
        LoadedDataset d = Datasets.load("folder", ZIP, new LoadOptions(false, 0, false, true));
        assertThat(d.classes()).isEqualTo(CIFAR10);
        ImageSet test = Splits.stratifiedSubset(d.testImages(), 1000, 0);
        try (ResNetModel m = ResNetModel.load(modelDir)) {
            ClassificationReport r = Evaluator.evaluate(m, test, 128, "--dataset folder");
            assertThat(r.count()).isEqualTo(1000);
            assertThat(r.perClass()).allSatisfy(c -> assertThat(c.support()).isEqualTo(100));
            assertThat(r.top1Error()).isBetween(0.5, 1.0); // untrained: about chance (90%)
            assertThat(r.top5Error()).isLessThan(r.top1Error());
            assertThat(r.loss()).isBetween(1.0, 20.0);
            long total = 0;
            for (long[] row : r.confusion()) {
                for (long v : row) {
                    total += v;
                }
            }
            assertThat(total).isEqualTo(1000);
            assertThat(r.toJson()).containsOnlyKeys("top1_error", "top5_error", "loss", "count", "per_class", "confusion");
        }
    }

    @Test
    void evalJsonAndPredictJsonOnRealJpegs() throws Exception {
        Path folder = tmp.resolve("cifar-small");
        try (ZipFile zip = new ZipFile(ZIP.toFile())) {
            for (String c : CIFAR10) {
                for (int i = 0; i < 3; i++) {
                    String name = String.format("test/%s/%04d.jpg", c, i);
                    ZipEntry e = zip.getEntry(name);
                    assertThat(e).as(name).isNotNull();
                    Path dst = folder.resolve(name);
                    Files.createDirectories(dst.getParent());
                    try (InputStream in = zip.getInputStream(e)) {
                        Files.copy(in, dst);
                    }
                }
            }
        }
        CliRun eval = CliRun.of("eval", "--model-dir", modelDir.toString(), "--dataset", "folder", "--data",
                folder.toString(), "--json");
        assertThat(eval.code()).as(eval.err()).isEqualTo(0);
        JsonObject j = JsonParser.parseString(eval.out()).getAsJsonObject();
        assertThat(j.get("count").getAsInt()).isEqualTo(30);
        assertThat(j.getAsJsonArray("per_class")).hasSize(10);
        assertThat(j.getAsJsonArray("confusion")).hasSize(10);

        Path broken = folder.resolve("broken.jpg");
        Files.writeString(broken, "garbage");
        CliRun predict = CliRun.of("predict", "--model-dir", modelDir.toString(), "--json", "--top", "3",
                folder.resolve("test/cat").toString(), broken.toString());
        assertThat(predict.code()).isEqualTo(1);
        JsonArray a = JsonParser.parseString(predict.out()).getAsJsonArray();
        assertThat(a).hasSize(4);
        for (int i = 0; i < 3; i++) {
            JsonArray p = a.get(i).getAsJsonObject().getAsJsonArray("predictions");
            assertThat(p).hasSize(3);
            assertThat(CIFAR10).contains(p.get(0).getAsJsonObject().get("class").getAsString());
        }
        assertThat(a.get(3).getAsJsonObject().get("error").getAsString()).contains("broken.jpg");
    }
}
