package org.resnet4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.ResNet4jException;

class TrainConfigTest {
    @TempDir Path tmp;

    @Test
    void defaultsAreThePaperRecipe() {
        TrainConfig c = TrainConfig.paperDefaults();
        assertThat(c.model()).isEqualTo("resnet20");
        assertThat(c.dataset()).isEqualTo("cifar10");
        assertThat(c.optimizer()).isEqualTo("sgd");
        assertThat(c.momentum()).isEqualTo(0.9);
        assertThat(c.weightDecay()).isEqualTo(1e-4);
        assertThat(c.batchSize()).isEqualTo(128);
        assertThat(c.lr()).isEqualTo(0.1);
        assertThat(c.iterations()).isEqualTo(64_000L);
        assertThat(c.epochs()).isNull();
        assertThat(c.pad()).isEqualTo(4);
        assertThat(c.flip()).isTrue();
        assertThat(c.normalization()).isEqualTo("per-pixel");
        assertThat(LearningRateSchedule.parse(c.schedule(), c.lr(), 0, 0, "constant", 64_000).resolved()).isEqualTo("multistep:32000,48000");
    }

    @Test
    void flagsOverrideFileOverridesDefaults() throws Exception {
        Path file = tmp.resolve("run.json");
        Files.writeString(file, "{\"model\": \"resnet56\", \"batch-size\": 64, \"lr\": 0.05, \"epochs\": 30, \"optimizer\": \"nesterov\"}");
        JsonObject flags = new JsonObject();
        flags.addProperty("lr", 0.02);
        flags.addProperty("iterations", 500);
        TrainConfig c = TrainConfig.resolve(TrainConfig.readFile(file), flags);
        assertThat(c.model()).isEqualTo("resnet56"); // file
        assertThat(c.batchSize()).isEqualTo(64); // file
        assertThat(c.optimizer()).isEqualTo("nesterov"); // file
        assertThat(c.lr()).isEqualTo(0.02); // flag
        assertThat(c.iterations()).isEqualTo(500L); // flag replaces the file's epochs
        assertThat(c.epochs()).isNull();
        assertThat(c.weightDecay()).isEqualTo(1e-4); // default
        JsonObject adam = new JsonObject();
        adam.addProperty("optimizer", "adam");
        assertThat(TrainConfig.resolve(new JsonObject(), adam).lr()).isEqualTo(0.001);
    }

    @Test
    void jsonRoundTripAndRunConfigAsConfigFile() throws Exception {
        TrainConfig c = TestData.config(3).withSchedule("plateau:4");
        assertThat(TrainConfig.fromJson(c.toJson())).isEqualTo(c);
        JsonObject run = new JsonObject();
        run.add("settings", c.toJson());
        Path file = tmp.resolve("config.json");
        Files.writeString(file, run.toString());
        assertThat(TrainConfig.resolve(TrainConfig.readFile(file), new JsonObject())).isEqualTo(c);
    }

    @Test
    void badValuesNameTheFlag() throws Exception {
        assertThatThrownBy(() -> TrainConfig.resolve(new JsonObject(), flag("lr", -1))).isInstanceOf(ResNet4jException.class)
                .hasMessageStartingWith("--lr:");
        assertThatThrownBy(() -> TrainConfig.resolve(new JsonObject(), flag("batchSize", 0))).hasMessageStartingWith("--batch-size:");
        assertThatThrownBy(() -> TrainConfig.resolve(new JsonObject(), flag("epochs", 0))).hasMessageStartingWith("--epochs:");
        assertThatThrownBy(() -> TrainConfig.resolve(new JsonObject(), flag("labelSmoothing", 1))).hasMessageStartingWith("--label-smoothing:");
        JsonObject s = new JsonObject();
        s.addProperty("schedule", "foo:x");
        assertThatThrownBy(() -> TrainConfig.resolve(new JsonObject(), s)).hasMessageStartingWith("--schedule:");
        JsonObject o = new JsonObject();
        o.addProperty("optimizer", "rmsprop");
        assertThatThrownBy(() -> TrainConfig.resolve(new JsonObject(), o)).hasMessageStartingWith("--optimizer:");
        JsonObject m = new JsonObject();
        m.addProperty("model", "resnet7");
        assertThatThrownBy(() -> TrainConfig.resolve(new JsonObject(), m)).isInstanceOf(ResNet4jException.class);
        Path file = tmp.resolve("bad.json");
        Files.writeString(file, "{\"lrr\": 0.1}");
        assertThatThrownBy(() -> TrainConfig.readFile(file)).hasMessageContaining("unknown setting 'lrr'");
        assertThatThrownBy(() -> TrainConfig.readFile(tmp.resolve("missing.json"))).hasMessageStartingWith("--config");
    }

    private static JsonObject flag(String k, Number v) {
        JsonObject o = new JsonObject();
        o.addProperty(k, v);
        return o;
    }

    /** Issue 17 item 3: a config file is taken as written; a wrong type or value names the file and the key. */
    @Test
    void configFilesAreStrictlyTypedAndErrorsNameTheFileAndKey() throws Exception {
        String[][] cases = {
            {"{\"epochs\": null}", "epochs", "null"},
            {"{\"flip\": \"yes\"}", "flip", "true or false"},
            {"{\"epochs\": 1.5}", "epochs", "whole number"},
            {"{\"epochs\": \"two\"}", "epochs", "whole number"},
            {"{\"lr\": [0.1]}", "lr", "a number"},
            {"{\"model\": 20}", "model", "a string"},
            {"{\"batch_size\": 0}", "batch_size", "at least 1"},
            {"{\"optimizer\": \"rmsprop\"}", "optimizer", "rmsprop"},
            {"{\"epochs\": 2,\n \"lr\": }", "line 2", "column"},
            {"{\"epochs\": 2", "line 1", "column"},
            {"[1, 2]", "expected a JSON object", "array"},
        };
        for (String[] c : cases) {
            Path file = tmp.resolve("run.json");
            Files.writeString(file, c[0]);
            assertThatThrownBy(() -> TrainConfig.resolve(file, new JsonObject())).as(c[0])
                    .isInstanceOf(ResNet4jException.class)
                    .hasMessageStartingWith("--config " + file + ": ")
                    .hasMessageContaining(c[1]).hasMessageContaining(c[2])
                    .hasMessageNotContaining("java.").hasMessageNotContaining("Exception").hasMessageNotContaining("gson");
        }
        Path ok = tmp.resolve("ok.json");
        Files.writeString(ok, "{\"epochs\": 3.0, \"flip\": false, \"batch-size\": 0}");
        JsonObject flags = new JsonObject();
        flags.addProperty("batchSize", 16);
        TrainConfig c = TrainConfig.resolve(ok, flags); // the flag replaces the file's bad batch size
        assertThat(c.epochs()).isEqualTo(3);
        assertThat(c.flip()).isFalse();
        assertThat(c.batchSize()).isEqualTo(16);
    }
}
