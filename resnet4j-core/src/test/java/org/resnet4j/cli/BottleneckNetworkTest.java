package org.resnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ResNet-50 through the commands users run (train, eval, predict, bench), on 3x64x64 images at
 * batch 2. Its 256-&gt;1024 and 512-&gt;2048 1x1 convolutions on the loader's channels-last batches
 * crashed the JVM inside oneDNN on CPUs that hide their cache sizes (BENCHMARKS.md, "The 1x1
 * convolution crash"); a regression kills the test JVM, which fails the build.
 */
class BottleneckNetworkTest {
    @TempDir Path tmp;

    @Test
    void resnet50TrainsEvaluatesPredictsAndBenchmarks() throws Exception {
        Path data = tmp.resolve("photos");
        Random r = new Random(5);
        for (String split : new String[] {"train", "test"}) {
            for (String c : new String[] {"cat", "dog"}) {
                for (int i = 0; i < (split.equals("train") ? 4 : 2); i++) {
                    writeImage(data.resolve(split).resolve(c).resolve(i + ".png"), r);
                }
            }
        }
        Path run = tmp.resolve("run");
        CliRun train = CliRun.of("train", "--model", "resnet50", "--input", "3x64x64", "--dataset", "folder", "--data",
                data.toString(), "--batch-size", "2", "--epochs", "1", "--val-split", "0", "--lr", "0.01", "--threads", "2",
                "--workers", "1", "--quiet", "--out", run.toString());
        assertThat(train.code()).as(train.err()).isZero();
        Path model = run.resolve("model");
        assertThat(model.resolve("model.json")).exists();

        CliRun eval = CliRun.of("eval", "--model-dir", model.toString(), "--dataset", "folder", "--data", data.toString(),
                "--json");
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(JsonParser.parseString(eval.out()).getAsJsonObject().get("count").getAsInt()).isEqualTo(4);

        CliRun predict = CliRun.of("predict", "--model-dir", model.toString(), "--json",
                data.resolve("test/cat/0.png").toString());
        assertThat(predict.code()).as(predict.err()).isZero();
        JsonArray p = JsonParser.parseString(predict.out()).getAsJsonArray().get(0).getAsJsonObject()
                .getAsJsonArray("predictions");
        double probability = p.get(0).getAsJsonObject().get("probability").getAsDouble();
        assertThat(probability).isBetween(0.5, 1.0);

        for (String mode : new String[] {"train", "infer"}) {
            CliRun bench = CliRun.of("bench", "--model", "resnet50", "--input", "3x64x64", "--mode", mode, "--batch-size",
                    "2", "--iters", "1", "--warmup", "1", "--json");
            assertThat(bench.code()).as(bench.err()).isZero();
            JsonObject j = JsonParser.parseString(bench.out()).getAsJsonObject();
            assertThat(j.get("images_per_sec").getAsDouble()).as(mode).isPositive();
        }
    }

    /** A 64x64 photo-like PNG: smooth colour gradients with noise. */
    private static void writeImage(Path file, Random r) throws Exception {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        int base = r.nextInt(128);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int v = base + x + r.nextInt(32);
                img.setRGB(x, y, (v & 0xff) << 16 | ((base + y) & 0xff) << 8 | (r.nextInt(256) & 0xff));
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }
}
