package org.resnet4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.ResNet4jException;
import org.resnet4j.model.HostTensor;
import org.resnet4j.model.WeightsFile;

/** Resume determinism, extension and interruption on a tiny synthetic set (resnet8, 3x8x8). */
class ResumeTest {
    @TempDir Path tmp;

    static Trainer trainer(Path dir, StringWriter log) {
        PrintWriter w = new PrintWriter(log, true);
        return new Trainer(dir, w, w, true);
    }

    static Map<String, HostTensor> weights(Path run) {
        return WeightsFile.read(run.resolve(Trainer.MODEL).resolve("weights.safetensors"));
    }

    static void assertSameWeights(Map<String, HostTensor> a, Map<String, HostTensor> b) {
        assertThat(a.keySet()).isEqualTo(b.keySet());
        a.forEach((k, v) -> assertThat(b.get(k).data()).as(k).containsExactly(v.data()));
    }

    @Test
    void twoEpochsEqualOnePlusResumePlusOne() {
        StringWriter log = new StringWriter();
        Path full = tmp.resolve("full");
        Trainer.Result r = trainer(full, log).start(TestData.config(2), TestData.dataset());
        assertThat(r.status()).isEqualTo(Trainer.Status.FINISHED);
        assertThat(r.iteration()).isEqualTo(14);

        Path split = tmp.resolve("split");
        trainer(split, log).start(TestData.config(1), TestData.dataset());
        Trainer.Result r2 = trainer(split, log).resume(Trainer.readConfig(split).withEpochs(2), TestData.dataset());
        assertThat(r2.iteration()).isEqualTo(14);
        assertSameWeights(weights(full), weights(split));
        assertThat(MetricsLog.read(split.resolve(Trainer.METRICS))).hasSize(2);
        for (String f : new String[] {Trainer.CONFIG, Trainer.METRICS, Trainer.SUMMARY, Trainer.CURVES, "checkpoints/last/state.json",
            "checkpoints/best/state.json", "model/model.json"}) {
            assertThat(split.resolve(f)).as(f).exists();
        }
    }

    @Test
    void interruptedMidEpochResumesExactly() {
        StringWriter log = new StringWriter();
        Path full = tmp.resolve("full");
        trainer(full, log).start(TestData.config(2), TestData.dataset());

        Path cut = tmp.resolve("cut");
        Trainer t = trainer(cut, log);
        t.stopAtIteration = 10; // epoch 2, batch 3 of 7
        Trainer.Result r = t.start(TestData.config(2), TestData.dataset());
        assertThat(r.status()).isEqualTo(Trainer.Status.INTERRUPTED);
        assertThat(log.toString()).contains("stopped at epoch 2, iteration 10").contains("--resume " + cut);
        Trainer.Result r2 = trainer(cut, log).resume(Trainer.readConfig(cut), TestData.dataset());
        assertThat(r2.status()).isEqualTo(Trainer.Status.FINISHED);
        assertSameWeights(weights(full), weights(cut));
        assertThat(MetricsLog.read(cut.resolve(Trainer.METRICS))).extracting(EpochMetrics::trainLoss)
                .containsExactlyElementsOf(MetricsLog.read(full.resolve(Trainer.METRICS)).stream().map(EpochMetrics::trainLoss).toList());
    }

    /** {@link TestData#config} computing in bfloat16 ({@code --precision bf16}). */
    static TrainConfig bf16(int epochs) {
        com.google.gson.JsonObject f = new com.google.gson.JsonObject();
        f.addProperty("precision", "bf16");
        return TrainConfig.resolve(TestData.config(epochs).toJson(), f);
    }

    @Test
    void bf16RunInterruptedAfterAnEpochResumesInBf16Exactly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.resnet4j.util.Devices.cpuHasBf16(),
                "this CPU has neither AVX512_BF16 nor AMX, so --precision bf16 trains in fp32: skipping the bf16 resume test");
        StringWriter log = new StringWriter();
        Path full = tmp.resolve("full");
        assertThat(trainer(full, log).start(bf16(2), TestData.dataset()).status()).isEqualTo(Trainer.Status.FINISHED);

        Path cut = tmp.resolve("cut");
        Trainer t = trainer(cut, log);
        t.stopAtIteration = 7; // the end of epoch 1
        assertThat(t.start(bf16(2), TestData.dataset()).status()).isEqualTo(Trainer.Status.INTERRUPTED);
        assertThat(Files.readString(cut.resolve(Trainer.CONFIG))).contains("\"precision\": \"bf16\"");
        TrainConfig resumed = Trainer.readConfig(cut);
        assertThat(resumed.precision()).isEqualTo("bf16");
        assertThat(trainer(cut, log).resume(resumed, TestData.dataset()).status()).isEqualTo(Trainer.Status.FINISHED);
        assertSameWeights(weights(full), weights(cut));
        assertThat(log.toString()).doesNotContain("computing in fp32");

        // and bf16 did take effect: an fp32 run from the same start ends elsewhere
        Path fp32 = tmp.resolve("fp32");
        trainer(fp32, log).start(TestData.config(2), TestData.dataset());
        assertThat(weights(fp32).get("conv1.weight").data()).isNotEqualTo(weights(full).get("conv1.weight").data());
    }

    @Test
    void resumeExtendsAFinishedRunAndRefusesToRunPastTheEnd() {
        StringWriter log = new StringWriter();
        Path run = tmp.resolve("run");
        trainer(run, log).start(TestData.config(1), TestData.dataset());
        assertThatThrownBy(() -> trainer(run, log).resume(Trainer.readConfig(run), TestData.dataset()))
                .isInstanceOf(ResNet4jException.class).hasMessageContaining("already finished at epoch 1")
                .hasMessageContaining("larger --epochs");
        Trainer.Result r = trainer(run, log).resume(Trainer.readConfig(run).withIterations(10), TestData.dataset());
        assertThat(r.iteration()).isEqualTo(10);
        assertThat(MetricsLog.read(run.resolve(Trainer.METRICS))).extracting(EpochMetrics::iteration).containsExactly(7L, 10L);
        // an iteration budget that ended mid-epoch extends again from the same batch
        Trainer.Result r3 = trainer(run, log).resume(Trainer.readConfig(run).withEpochs(2), TestData.dataset());
        assertThat(r3.iteration()).isEqualTo(14);
        assertThat(MetricsLog.read(run.resolve(Trainer.METRICS))).extracting(EpochMetrics::iteration).containsExactly(7L, 14L);
        Path full = tmp.resolve("full");
        trainer(full, log).start(TestData.config(2), TestData.dataset());
        assertSameWeights(weights(full), weights(run));
    }

    @Test
    void nanLossStopsAndKeepsTheLastGoodCheckpoint() throws Exception {
        StringWriter log = new StringWriter();
        Path run = tmp.resolve("nan");
        TrainConfig cfg = TrainConfig.resolve(TestData.config(3).toJson(), lr(1e6));
        assertThatThrownBy(() -> trainer(run, log).start(cfg, TestData.dataset()))
                .isInstanceOf(ResNet4jException.class).hasMessageContaining("training diverged")
                .hasMessageContaining("last good checkpoint").hasMessageContaining("lower --lr");
        Checkpoint last = Checkpoint.load(run.resolve(Trainer.LAST));
        assertThat(last.weights().values()).allSatisfy(t -> {
            for (float v : t.data()) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        });
        assertThat(Files.readString(run.resolve(Trainer.SUMMARY))).contains("diverged");
    }

    static com.google.gson.JsonObject lr(double v) {
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        o.addProperty("lr", v);
        return o;
    }
}
