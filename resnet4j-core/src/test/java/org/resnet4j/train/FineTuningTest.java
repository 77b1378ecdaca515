package org.resnet4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.ResNet4jException;
import org.resnet4j.dataset.ImageSet;
import org.resnet4j.dataset.LoadedDataset;
import org.resnet4j.model.HostTensor;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNets;
import org.resnet4j.model.TorchSave;
import org.resnet4j.util.Json;
import org.resnet4j.util.Sha256;

/**
 * Fine-tuning: --init-from seeds the network (classifier afresh when the classes differ), --freeze
 * keeps parameters and BN statistics exactly, --backbone-lr-scale scales the backbone's updates,
 * resume continues exactly, and provenance names the parent.
 */
class FineTuningTest {
    @TempDir static Path shared;
    @TempDir Path tmp;
    static Path parentModel;

    /** The parent: resnet8 trained one epoch on the synthetic classes a..d. */
    @BeforeAll
    static void trainParent() {
        Path run = shared.resolve("parent");
        ResumeTest.trainer(run, new StringWriter()).start(TestData.config(1), TestData.dataset());
        parentModel = run.resolve(Trainer.MODEL);
    }

    /** The same images under other class names, and {@code classes} of them. */
    static LoadedDataset otherClasses(int classes) {
        List<String> names = List.of("w", "x", "y", "z").subList(0, classes);
        return new LoadedDataset("other", names, relabel(TestData.images("train", 256, 5), names),
                relabel(TestData.images("test", 64, 6), names), "memory", "other-" + classes);
    }

    private static ImageSet relabel(ImageSet s, List<String> names) {
        int[] labels = s.labels().clone();
        for (int i = 0; i < labels.length; i++) {
            labels[i] %= names.size();
        }
        return new ImageSet(s.name(), names, s.channels(), s.height(), s.width(), s.pixels(), labels);
    }

    /** TestData's settings as train's flags: a flag gives no 0 ("all images") limit. */
    static JsonObject testFlags(int epochs) {
        JsonObject flags = TestData.config(epochs).toJson();
        for (String k : new String[] {"limitTrain", "limitTest"}) {
            if (flags.get(k).getAsInt() == 0) {
                flags.remove(k);
            }
        }
        return flags;
    }

    /** TestData's settings plus the fine-tuning ones, resolved as the train command does. */
    static TrainConfig config(int epochs, String initFrom, String freeze, Double backboneLrScale) {
        JsonObject flags = testFlags(epochs);
        flags.remove("model"); // from the parent
        flags.remove("normalization");
        flags.addProperty("initFrom", initFrom);
        if (freeze != null) {
            flags.addProperty("freeze", freeze);
        }
        if (backboneLrScale != null) {
            flags.addProperty("backboneLrScale", backboneLrScale);
        }
        JsonObject file = FineTuning.open(initFrom).settings(true);
        return TrainConfig.resolve(file, flags);
    }

    private static Map<String, HostTensor> weights(Path run) {
        return ResumeTest.weights(run);
    }

    @Test
    void freezingTheBackboneChangesOnlyTheClassifier() {
        Path run = tmp.resolve("probe");
        TrainConfig cfg = config(1, parentModel.toString(), "backbone", null);
        assertThat(cfg.model()).isEqualTo("resnet8");
        assertThat(cfg.normalization()).isEqualTo(FineTuning.PARENT);
        StringWriter log = new StringWriter();
        ResumeTest.trainer(run, log).start(cfg, otherClasses(4));
        assertThat(log.toString()).contains("classifier re-initialised");
        Map<String, HostTensor> parent = ResumeTest.weights(parentModel.getParent());
        Map<String, HostTensor> child = weights(run);
        int changed = 0;
        for (Map.Entry<String, HostTensor> e : parent.entrySet()) {
            boolean same = java.util.Arrays.equals(e.getValue().data(), child.get(e.getKey()).data());
            if (e.getKey().startsWith("fc.")) {
                assertThat(same).as(e.getKey()).isFalse();
                changed++;
            } else {
                assertThat(same).as(e.getKey() + " (frozen, BN statistics included)").isTrue();
            }
        }
        assertThat(changed).isEqualTo(2);
        try (ResNetModel m = ResNetModel.load(run.resolve(Trainer.MODEL)); ResNetModel p = ResNetModel.load(parentModel)) {
            assertThat(m.normalization()).isEqualTo(p.normalization());
            assertThat(m.classes()).containsExactly("w", "x", "y", "z");
            JsonObject provenance = m.provenance().getAsJsonObject("parent");
            assertThat(provenance.get("source").getAsString()).isEqualTo(parentModel.toString());
            assertThat(provenance.get("sha256").getAsString()).isEqualTo(Sha256.of(parentModel.resolve(ResNetModel.WEIGHTS_FILE)));
        }
    }

    @Test
    void freezingTheStemAndLayer1TrainsTheRest() {
        Path run = tmp.resolve("partial");
        ResumeTest.trainer(run, new StringWriter()).start(config(1, parentModel.toString(), "stem,layer1", null), otherClasses(2));
        Map<String, HostTensor> parent = ResumeTest.weights(parentModel.getParent());
        Map<String, HostTensor> child = weights(run);
        assertThat(child.get("fc.weight").shape()).containsExactly(2, 64);
        for (Map.Entry<String, HostTensor> e : child.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("fc.")) {
                continue;
            }
            boolean same = java.util.Arrays.equals(parent.get(k).data(), e.getValue().data());
            boolean frozen = k.startsWith("conv1.") || k.startsWith("bn1.") || k.startsWith("layer1.");
            assertThat(same).as(k).isEqualTo(frozen);
        }
    }

    @Test
    void aFineTuneResumesExactly() {
        Path full = tmp.resolve("full");
        ResumeTest.trainer(full, new StringWriter()).start(config(2, parentModel.toString(), "layer1", 0.1), otherClasses(4));
        Path split = tmp.resolve("split");
        ResumeTest.trainer(split, new StringWriter()).start(config(1, parentModel.toString(), "layer1", 0.1), otherClasses(4));
        TrainConfig resumed = Trainer.readConfig(split).withEpochs(2);
        assertThat(resumed.initFrom()).isEqualTo(parentModel.toString());
        assertThat(resumed.freeze()).isEqualTo("layer1");
        Trainer.Result r = ResumeTest.trainer(split, new StringWriter()).resume(resumed, otherClasses(4));
        assertThat(r.status()).isEqualTo(Trainer.Status.FINISHED);
        ResumeTest.assertSameWeights(weights(full), weights(split));
        assertThat(split.resolve(FineTuning.RECORD)).exists();
    }

    @Test
    void theBackboneLearningRateIsScaled() {
        try (ResNetModel a = ResNetModel.load(parentModel); ResNetModel b = ResNetModel.load(parentModel);
                NDManager m = NDManager.newBaseManager()) {
            float[] x = m.randomNormal(new Shape(8, 3, 8, 8)).toFloatArray();
            long[] y = {0, 1, 2, 3, 0, 1, 2, 3};
            Map<String, HostTensor> before = a.weights();
            Map<String, HostTensor> afterA = step(a, ParameterGroups.all(a), x, y);
            ParameterGroups scaled = ParameterGroups.of(b, null, 0.1);
            assertThat(scaled.lrScale()).containsEntry("fc.weight", 1.0).containsEntry("conv1.weight", 0.1);
            Map<String, HostTensor> afterB = step(b, scaled, x, y);
            for (String k : List.of("conv1.weight", "layer2.0.conv1.weight", "fc.weight", "fc.bias")) {
                double factor = k.startsWith("fc.") ? 1.0 : 0.1;
                float[] w0 = before.get(k).data();
                for (int i = 0; i < w0.length; i += 7) {
                    double da = afterA.get(k).data()[i] - w0[i];
                    double db = afterB.get(k).data()[i] - w0[i];
                    assertThat(db).as(k + "[" + i + "]").isCloseTo(factor * da, org.assertj.core.data.Offset.offset(1e-6 + 1e-3 * Math.abs(da)));
                }
            }
        }
    }

    /** One plain SGD step (no momentum, no weight decay) on one batch; the weights after it. */
    private static Map<String, HostTensor> step(ResNetModel model, ParameterGroups groups, float[] x, long[] y) {
        try (Optimizer sgd = Optimizer.create("sgd", model.manager(), groups, 0, 0)) {
            NDManager mm = model.manager();
            NDArray images = mm.create(x, new Shape(8, 3, 8, 8));
            NDArray labels = mm.create(y);
            new TrainingStep(model, sgd).train(images, labels, 0.1);
            return model.weights();
        }
    }

    @Test
    void aCheckpointFileSeedsTheNetworkToo() throws Exception {
        Path ckpt = tmp.resolve("parent.pth");
        try (ResNetModel p = ResNetModel.load(parentModel)) {
            TorchSave.stateDict(ckpt, p.weights(), false, "module.", Map.of("epoch", 1L));
        }
        JsonObject flags = testFlags(1);
        flags.addProperty("initFrom", ckpt.toString());
        flags.addProperty("freeze", "backbone");
        TrainConfig cfg = TrainConfig.resolve(FineTuning.open(ckpt.toString()).settings(true), flags);
        assertThat(cfg.normalization()).isEqualTo("per-pixel");
        Path run = tmp.resolve("from-file");
        StringWriter log = new StringWriter();
        ResumeTest.trainer(run, log).start(cfg, TestData.dataset());
        assertThat(log.toString()).contains("classifier kept");
        Map<String, HostTensor> parent = ResumeTest.weights(parentModel.getParent());
        assertThat(weights(run).get("layer1.0.conv1.weight").data()).isEqualTo(parent.get("layer1.0.conv1.weight").data());
        assertThat(Json.read(run.resolve(Trainer.MODEL).resolve("model.json"), JsonObject.class).getAsJsonObject("provenance")
                .getAsJsonObject("parent").get("kind").getAsString()).isEqualTo("weights file");
    }

    @Test
    void aPhotoModelsPresetCarriesOverUnlessGiven() {
        Path dir = tmp.resolve("photo-parent");
        try (ResNetModel m = ResNetModel.create(ResNets.spec("resnet8"), 3)) {
            m.setPreset("imagenet");
            m.save(dir);
        }
        JsonObject flags = testFlags(1);
        flags.remove("model");
        flags.remove("normalization");
        flags.remove("preset"); // TestData's full config names one; here the user gives none
        flags.addProperty("initFrom", dir.toString());
        assertThat(TrainConfig.resolve(FineTuning.open(dir.toString()).settings(true), flags).preset()).isEqualTo("imagenet");
        flags.addProperty("preset", "imagenet-paper");
        assertThat(TrainConfig.resolve(FineTuning.open(dir.toString()).settings(true), flags).preset())
                .isEqualTo("imagenet-paper");
        assertThat(FineTuning.open(parentModel.toString()).settings(true).get("preset").getAsString())
                .as("a trained CIFAR model records its preset too").isEqualTo("cifar");
    }

    @Test
    void badFineTuningSettingsAreOneLineNamingTheFlag() {
        assertThatThrownBy(() -> config(1, parentModel.toString(), "layer9", null)).isInstanceOf(ResNet4jException.class)
                .hasMessageStartingWith("--freeze: unknown part 'layer9'");
        assertThatThrownBy(() -> config(1, parentModel.toString(), null, -1.0)).hasMessageStartingWith("--backbone-lr-scale");
        assertThatThrownBy(() -> FineTuning.open(tmp.resolve("absent").toString())).hasMessageStartingWith("--init-from");
        assertThatThrownBy(() -> FineTuning.open(tmp.toString())).hasMessageContaining("neither a model directory");
        JsonObject flags = testFlags(1);
        flags.addProperty("normalization", "parent");
        assertThatThrownBy(() -> TrainConfig.resolve(new JsonObject(), flags)).hasMessageStartingWith("--normalization parent");
        JsonObject other = testFlags(1);
        other.addProperty("model", "resnet14");
        other.addProperty("initFrom", parentModel.toString());
        assertThatThrownBy(() -> ResumeTest.trainer(tmp.resolve("wrong"), new StringWriter())
                .start(TrainConfig.resolve(new JsonObject(), other), TestData.dataset()))
                .isInstanceOf(ResNet4jException.class).hasMessageStartingWith("--init-from " + parentModel);
    }
}
