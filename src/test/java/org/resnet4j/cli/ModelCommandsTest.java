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
}
