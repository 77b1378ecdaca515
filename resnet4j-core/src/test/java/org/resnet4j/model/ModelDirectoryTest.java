package org.resnet4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.ResNet4jException;
import org.resnet4j.dataset.Normalization;

class ModelDirectoryTest {
    @TempDir Path tmp;

    @Test
    void saveAndLoadGiveBitIdenticalLogits() {
        ResNetSpec spec = ResNets.spec("resnet20").withShortcut(Shortcut.B).withClasses(3);
        Path dir = tmp.resolve("model");
        float[] before;
        float[] input;
        try (ResNetModel model = ResNetModel.create(spec, 3)) {
            model.setClasses(List.of("cat", "dog", "frog"));
            model.setNormalization(new Normalization(Normalization.PER_CHANNEL, new int[] {3, 32, 32},
                    new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.2f, 0.2f, 0.2f}));
            NDArray x = model.manager().randomNormal(new Shape(4, 3, 32, 32));
            input = x.toFloatArray();
            before = model.logits(x).toFloatArray();
            model.save(dir);
            model.save(dir); // overwriting an existing directory is atomic too
        }
        assertThat(dir.resolve(ResNetModel.WEIGHTS_FILE)).exists();
        try (ResNetModel loaded = ResNetModel.load(dir)) {
            assertThat(loaded.spec()).isEqualTo(spec);
            assertThat(loaded.classes()).containsExactly("cat", "dog", "frog");
            assertThat(loaded.normalization().mean()).containsExactly(0.5f, 0.4f, 0.3f);
            assertThat(loaded.provenance().has("versions")).isTrue();
            float[] after = loaded.logits(loaded.manager().create(input, new Shape(4, 3, 32, 32))).toFloatArray();
            assertThat(after).containsExactly(before);
        }
        assertThat(tmp.toFile().list()).containsExactly("model");
    }

    @Test
    void importRejectsMissingUnexpectedAndMisShapedTensors() {
        ResNetSpec spec = ResNets.spec("resnet20");
        Map<String, HostTensor> good;
        try (ResNetModel model = ResNetModel.create(spec, 1)) {
            good = model.weights();
        }
        Map<String, HostTensor> missing = new LinkedHashMap<>(good);
        missing.remove("layer3.2.bn2.running_var");
        assertThatThrownBy(() -> ResNetModel.fromWeights(spec, missing, "w.npz"))
                .isInstanceOf(ResNet4jException.class).hasMessageContaining("w.npz").hasMessageContaining("layer3.2.bn2.running_var");
        Map<String, HostTensor> wrongShape = new LinkedHashMap<>(good);
        wrongShape.put("fc.weight", new HostTensor(new long[] {100, 64}, new float[6400]));
        assertThatThrownBy(() -> ResNetModel.fromWeights(spec, wrongShape, "w.npz"))
                .hasMessageContaining("fc.weight has shape [100,64] but resnet20 needs [10,64]");
        Map<String, HostTensor> extra = new LinkedHashMap<>(good);
        extra.put("layer1.0.downsample.0.weight", new HostTensor(new long[] {1}, new float[1]));
        assertThatThrownBy(() -> ResNetModel.fromWeights(spec, extra, "w.npz")).hasMessageContaining("does not have");
        // akamaster's names and DataParallel's prefix are accepted.
        Map<String, HostTensor> renamed = new LinkedHashMap<>();
        good.forEach((k, v) -> renamed.put("module." + k.replace("fc.", "linear."), v));
        try (ResNetModel model = ResNetModel.fromWeights(spec, renamed, "akamaster.npz")) {
            assertThat(model.weights().get("fc.bias").data()).containsExactly(good.get("fc.bias").data());
        }
    }

    @Test
    void brokenFilesAreOneClearLine() throws Exception {
        Path notWeights = Files.writeString(tmp.resolve("weights.npz"), "hello, this is not a weights file");
        assertThatThrownBy(() -> WeightsFile.read(notWeights)).isInstanceOf(ResNet4jException.class)
                .hasMessageContaining(notWeights.toString()).hasMessageContaining("neither a PyTorch checkpoint");
        assertThatThrownBy(() -> WeightsFile.read(tmp.resolve("absent.npz"))).hasMessageContaining("no such file");
        Path full = tmp.resolve("w.safetensors");
        WeightsFile.writeSafetensors(full, Map.of("a", new HostTensor(new long[] {2, 2}, new float[] {1, 2, 3, 4})), Map.of());
        assertThat(WeightsFile.read(full).get("a").data()).containsExactly(1, 2, 3, 4);
        byte[] bytes = Files.readAllBytes(full);
        Path truncated = Files.write(tmp.resolve("t.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> WeightsFile.read(truncated)).hasMessageContaining("truncated");
        assertThatThrownBy(() -> ResNetModel.load(tmp)).hasMessageContaining("not a ResNet4J model directory");
        Path badJson = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(badJson.resolve(ResNetModel.METADATA_FILE), "{ not json");
        assertThatThrownBy(() -> ResNetModel.load(badJson)).hasMessageContaining("not valid JSON");
    }
}
