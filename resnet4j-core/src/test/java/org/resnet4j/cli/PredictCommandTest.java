package org.resnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.eval.TinyModels;

class PredictCommandTest {
    @TempDir static Path tmp;
    static Path model;
    static Path good;
    static Path grey;
    static Path bad;

    @BeforeAll
    static void setUp() throws Exception {
        model = TinyModels.save(tmp.resolve("model"));
        good = TinyModels.image(tmp.resolve("img/good.jpg"), 32, 24, BufferedImage.TYPE_INT_RGB, "jpg", 1);
        grey = TinyModels.image(tmp.resolve("img/grey.png"), 8, 8, BufferedImage.TYPE_BYTE_GRAY, "png", 2);
        bad = tmp.resolve("broken/bad.png");
        Files.createDirectories(bad.getParent());
        Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0});
    }

    @Test
    void jsonListsTopKPerImageAndExitsZeroWhenAllArePredicted() {
        CliRun r = CliRun.of("predict", "--model-dir", model.toString(), "--top", "2", "--json", tmp.resolve("img").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        JsonArray a = JsonParser.parseString(r.out()).getAsJsonArray();
        assertThat(a).hasSize(2);
        JsonObject first = a.get(0).getAsJsonObject();
        assertThat(first.get("file").getAsString()).endsWith("good.jpg");
        JsonArray preds = first.getAsJsonArray("predictions");
        assertThat(preds).hasSize(2);
        JsonObject p = preds.get(0).getAsJsonObject();
        assertThat(p.keySet()).containsExactly("class", "probability");
        assertThat(p.get("probability").getAsDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void anUnreadableFileGetsItsOwnErrorTheOthersArePredictedAndTheExitCodeIsOne() {
        CliRun r = CliRun.of("predict", "--model-dir", model.toString(), "--json", good.toString(), bad.toString(),
                grey.toString());
        assertThat(r.code()).isEqualTo(1);
        JsonArray a = JsonParser.parseString(r.out()).getAsJsonArray();
        assertThat(a).hasSize(3);
        assertThat(a.get(0).getAsJsonObject().has("predictions")).isTrue();
        JsonObject err = a.get(1).getAsJsonObject();
        assertThat(err.keySet()).containsExactly("file", "error");
        assertThat(err.get("error").getAsString()).contains("bad.png");
        assertThat(a.get(2).getAsJsonObject().has("predictions")).isTrue();
    }

    @Test
    void textModePrintsOneLinePerFileAndErrorsOnStderr() {
        CliRun r = CliRun.of("predict", "--model-dir", model.toString(), "--top", "3", good.toString(), bad.toString(),
                tmp.resolve("nope.png").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out().lines().toList()).hasSize(1);
        assertThat(r.out()).containsPattern("good\\.jpg: \\w+ \\(0\\.\\d{3}\\), \\w+ \\(0\\.\\d{3}\\), \\w+ \\(0\\.\\d{3}\\)");
        assertThat(r.err().lines().toList()).hasSize(2);
        assertThat(r.err()).contains("bad.png").contains("nope.png: no such file");
    }

    @Test
    void dashReadsOneImageFromStandardInputWithTheSameResultAsTheFile() throws Exception {
        CliRun fromFile = CliRun.of("predict", "--model-dir", model.toString(), "--top", "3", good.toString());
        java.io.InputStream stdin = System.in;
        CliRun fromStdin;
        try {
            System.setIn(new java.io.ByteArrayInputStream(Files.readAllBytes(good)));
            fromStdin = CliRun.of("predict", "--model-dir", model.toString(), "--top", "3", "-");
        } finally {
            System.setIn(stdin);
        }
        assertThat(fromStdin.code()).as(fromStdin.err()).isEqualTo(0);
        assertThat(fromStdin.out()).startsWith("-: ");
        assertThat(fromStdin.out().substring(3)).isEqualTo(fromFile.out().substring(good.toString().length() + 2));
    }

    @Test
    void notAnImageOnStandardInputIsOneErrorLine() {
        java.io.InputStream stdin = System.in;
        CliRun r;
        try {
            System.setIn(new java.io.ByteArrayInputStream("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            r = CliRun.of("predict", "--model-dir", model.toString(), "-");
        } finally {
            System.setIn(stdin);
        }
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("resnet4j: -: not an image (no JPEG, PNG, BMP or GIF signature)");
    }

    @Test
    void missingModelDirectoryIsOneLineAndExitOne() {
        CliRun r = CliRun.of("predict", "--model-dir", tmp.resolve("absent").toString(), good.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("resnet4j: ").contains("no such model directory").doesNotContain("\n");
    }

    @Test
    void badFlagsExitTwo() {
        assertThat(CliRun.of("predict", "--model-dir", model.toString()).code()).isEqualTo(2);
        CliRun r = CliRun.of("predict", "--model-dir", model.toString(), "--top", "0", good.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--top");
    }

    /** Issue 17 item 12: predict's errors suggest no flags it does not have (--model, --shortcut, --input). */
    @Test
    void mismatchedWeightsInAModelDirectorySuggestNoForeignFlags() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("extra"));
        java.util.Map<String, org.resnet4j.model.HostTensor> w = new java.util.LinkedHashMap<>(
                org.resnet4j.model.WeightsFile.read(dir.resolve(org.resnet4j.model.ResNetModel.WEIGHTS_FILE)));
        w.put("layer1.0.downsample.0.weight", new org.resnet4j.model.HostTensor(new long[] {1}, new float[1]));
        org.resnet4j.model.WeightsFile.writeSafetensors(dir.resolve(org.resnet4j.model.ResNetModel.WEIGHTS_FILE), w, null);
        CliRun r = CliRun.of("predict", "--model-dir", dir.toString(), good.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).contains("layer1.0.downsample.0.weight").doesNotContain("--model")
                .doesNotContain("--shortcut").doesNotContain("--input").doesNotContain("\n");
        w.put("fc.bias", new org.resnet4j.model.HostTensor(new long[] {7}, new float[7]));
        w.remove("layer1.0.downsample.0.weight");
        org.resnet4j.model.WeightsFile.writeSafetensors(dir.resolve(org.resnet4j.model.ResNetModel.WEIGHTS_FILE), w, null);
        CliRun shape = CliRun.of("predict", "--model-dir", dir.toString(), good.toString());
        assertThat(shape.err().strip()).contains("fc.bias has shape [7]").doesNotContain("--model").doesNotContain("--classes");
    }

    /**
     * Issue 17 item 8: predicting one image prints nothing on stderr; the engine's C++ warnings (libtorch's
     * "Could not initialize NNPACK!" on CPUs it does not support, up to 19 lines) stay back.
     */
    @Test
    void onePredictionLeavesStderrEmpty() throws Exception {
        Path out = tmp.resolve("quiet-out.txt");
        Path err = tmp.resolve("quiet-err.txt");
        // as the launcher starts it: with native access, which Java 21+ asks JNA's callers for (17 takes it too)
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "predict",
                "--model-dir", Path.of("models", "resnet20-cifar10").toString(),
                TinyModels.image(tmp.resolve("photo.png"), 32, 32, BufferedImage.TYPE_INT_RGB, "png", 9).toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("RESNET4J_DEBUG");
        Process p = pb.start();
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        assertThat(Files.readString(out)).startsWith(tmp.resolve("photo.png") + ": ");
        assertThat(Files.readString(err)).isEmpty();
    }
}
