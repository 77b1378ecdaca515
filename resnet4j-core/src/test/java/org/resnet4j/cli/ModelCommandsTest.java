package org.resnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.model.HostTensor;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNets;
import org.resnet4j.model.WeightsFile;

class ModelCommandsTest {
    @TempDir Path tmp;

    @Test
    void summaryAllJsonListsEveryZooModel() {
        CliRun r = CliRun.of("summary", "--all", "--json");
        assertThat(r.code()).isZero();
        JsonArray all = JsonParser.parseString(r.out()).getAsJsonArray();
        assertThat(all).hasSize(ResNets.names().size());
        JsonObject r56 = null;
        for (JsonElement e : all) {
            if (e.getAsJsonObject().get("model").getAsString().equals("resnet56")) {
                r56 = e.getAsJsonObject();
            }
        }
        assertThat(r56).isNotNull();
        assertThat(r56.get("params").getAsLong()).isEqualTo(853_018);
        assertThat(r56.get("family").getAsString()).isEqualTo("cifar");
        assertThat(r56.get("depth").getAsInt()).isEqualTo(56);
        assertThat(r56.get("classes").getAsInt()).isEqualTo(10);
        assertThat(r56.getAsJsonArray("input").toString()).isEqualTo("[3,32,32]");
    }

    @Test
    void summaryTableShowsLayersAndTotals() {
        CliRun r = CliRun.of("summary", "--model", "resnet20", "--input", "1x28x28", "--classes", "10");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("layer3.2.bn2", "Trainable parameters: 269,434" /* 269,722 - 2*16*3*3 for one input channel */, "Multiply-adds per image");
    }

    @Test
    void badInputGetsOneLineAndNonZeroExit() {
        for (String[] args : new String[][] {
            {"summary", "--model", "resnet21"}, {"summary", "--model", "nope"}, {"summary", "--input", "3xAx32"},
            {"summary", "--shortcut", "D"}, {"summary", "--classes", "0"}, {"summary", "--no-such-flag"},
            {"import", "--model", "resnet20", "--from", tmp.resolve("absent.npz").toString(), "--out", tmp.resolve("m").toString()}}) {
            CliRun r = CliRun.of(args);
            assertThat(r.code()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err().lines().filter(l -> l.startsWith("resnet4j: "))).as(r.err()).hasSize(1);
            assertThat(r.err()).doesNotContain("\tat ");
        }
    }

    @Test
    void importWritesALoadableModelDirectoryAndRejectsMismatchedWeights() {
        Path weights = tmp.resolve("w.safetensors");
        try (ResNetModel m = ResNetModel.create(ResNets.spec("resnet20"), 5)) {
            WeightsFile.writeSafetensors(weights, m.weights(), null);
        }
        CliRun ok = CliRun.of("import", "--model", "resnet20", "--from", weights.toString(), "--out", tmp.resolve("m").toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        try (ResNetModel loaded = ResNetModel.load(tmp.resolve("m"))) {
            HostTensor fc = loaded.weights().get("fc.weight");
            assertThat(fc.shape()).containsExactly(10, 64);
        }
        CliRun wrong = CliRun.of("import", "--model", "resnet32", "--from", weights.toString(), "--out", tmp.resolve("m2").toString());
        assertThat(wrong.code()).isNotZero();
        assertThat(wrong.err()).contains("missing");
    }

    /**
     * Issue 17 item 7: weights holding NaN or infinity are refused by import and by every command
     * that loads a model (naming the tensor), so predict never prints a NaN probability.
     */
    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensor() throws Exception {
        java.util.Map<String, HostTensor> w;
        try (ResNetModel m = ResNetModel.create(ResNets.spec("resnet8").withInput(3, 8, 8).withClasses(3), 5)) {
            w = new java.util.LinkedHashMap<>(m.weights());
            m.save(tmp.resolve("good"));
        }
        float[] broken = w.get("layer2.0.conv1.weight").data().clone();
        broken[7] = Float.NaN;
        w.put("layer2.0.conv1.weight", new HostTensor(w.get("layer2.0.conv1.weight").shape(), broken));
        Path weights = tmp.resolve("nan.safetensors");
        WeightsFile.writeSafetensors(weights, w, null);
        CliRun imported = CliRun.of("import", "--model", "resnet8", "--input", "3x8x8", "--classes", "3", "--from",
                weights.toString(), "--out", tmp.resolve("m").toString());
        assertThat(imported.code()).isEqualTo(1);
        assertThat(imported.err().strip()).startsWith("resnet4j: " + weights).contains("layer2.0.conv1.weight", "NaN")
                .doesNotContain("\n");
        assertThat(tmp.resolve("m")).doesNotExist();

        // a model directory whose weights went bad after it was written
        Path dir = tmp.resolve("good");
        float[] inf = w.get("fc.bias").data().clone();
        inf[0] = Float.POSITIVE_INFINITY;
        w.put("fc.bias", new HostTensor(w.get("fc.bias").shape(), inf));
        WeightsFile.writeSafetensors(dir.resolve(ResNetModel.WEIGHTS_FILE), w, null);
        Path image = org.resnet4j.eval.TinyModels.image(tmp.resolve("x.png"), 8, 8,
                java.awt.image.BufferedImage.TYPE_INT_RGB, "png", 1);
        CliRun predicted = CliRun.of("predict", "--model-dir", dir.toString(), image.toString());
        assertThat(predicted.code()).isEqualTo(1);
        assertThat(predicted.out()).doesNotContain("NaN");
        assertThat(predicted.err().strip()).contains("layer2.0.conv1.weight").doesNotContain("\n");
    }
}
