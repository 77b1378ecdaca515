package org.resnet4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.resnet4j.ResNet4jException;

class ZooTest {

    /** Trainable parameters exactly as PyTorch counts them; MACs as torchvision reports them (within 1%). */
    @ParameterizedTest
    @CsvSource({
        "resnet20, 269722, 40.55e6", "resnet32, 464154, 0", "resnet44, 658586, 0", "resnet56, 853018, 125.49e6",
        "resnet110, 1727962, 252.89e6", "resnet1202, 19421274, 0", "plain20, 269722, 40.55e6",
        "resnet18, 11689512, 1.814e9", "resnet34, 21797672, 0", "resnet50, 25557032, 4.089e9",
        "resnet101, 44549160, 0", "resnet152, 60192808, 11.51e9",
        "preact-resnet110, 1730522, 0", "preact-resnet164, 1703258, 0", "preact-resnet1001, 10327706, 0"})
    void parametersAndMultiplyAddsMatchPyTorch(String name, long params, double macs) {
        ModelSummary s = ModelSummary.of(ResNets.spec(name));
        assertThat(s.params()).isEqualTo(params);
        if (macs > 0) {
            assertThat((double) s.macs()).isCloseTo(macs, org.assertj.core.data.Percentage.withPercentage(1));
        }
    }

    @Test
    void optionsChangeTheArchitectureAsThePaperDescribes() {
        ResNetSpec r20 = ResNets.spec("resnet20");
        // Option B adds two 1x1 projections (+BN): 16*32 + 64 + 32*64 + 128 parameters.
        assertThat(ModelSummary.of(r20.withShortcut(Shortcut.B)).params()).isEqualTo(269722 + 512 + 64 + 2048 + 128);
        // v1 (stride in the 1x1) costs fewer multiply-adds than v1.5: ~3.8G against ~4.1G.
        assertThat(ModelSummary.of(ResNets.spec("resnet50").withStrideIn1x1(true)).macs() / 1e9).isBetween(3.8, 3.9);
        // The small stem keeps 32x32 inputs at full resolution in stage 1.
        ModelSummary small = ModelSummary.of(ResNets.spec("resnet18").withSmallStem(true).withClasses(10));
        assertThat(small.layers().get(0).output()).containsExactly(64, 32, 32);
        assertThat(small.layers().get(0).kind()).isEqualTo("Conv2d 3x3");
    }

    @Test
    void forwardGivesOneLogitPerClassForEveryFamily() {
        for (ResNetSpec spec : new ResNetSpec[] {
            ResNets.spec("resnet20").withInput(1, 28, 28),
            ResNets.spec("plain20"),
            ResNets.spec("preact-resnet164").withClasses(7),
            ResNets.spec("resnet50").withSmallStem(true),
            ResNets.spec("resnet18").withInput(3, 64, 64).withClasses(5)}) {
            try (ResNetModel model = ResNetModel.create(spec, 1)) {
                NDArray x = model.manager().randomNormal(new Shape(2, spec.inputChannels(), spec.inputHeight(), spec.inputWidth()));
                assertThat(model.logits(x).getShape()).isEqualTo(new Shape(2, spec.classes()));
            }
        }
    }

    @Test
    void initialisationFollowsThePaperAndTheSeed() {
        try (ResNetModel a = ResNetModel.create(ResNets.spec("resnet20"), 7);
                ResNetModel b = ResNetModel.create(ResNets.spec("resnet20"), 7);
                ResNetModel zero = ResNetModel.create(ResNets.spec("resnet20").withZeroInitResidual(true), 7)) {
            Map<String, HostTensor> wa = a.weights();
            assertThat(wa.get("layer2.0.conv1.weight").data()).containsExactly(b.weights().get("layer2.0.conv1.weight").data());
            // He normal, fan_out: std = sqrt(2 / (32 * 3 * 3)).
            float[] w = wa.get("layer2.1.conv1.weight").data();
            double var = 0;
            for (float v : w) {
                var += v * v;
            }
            assertThat(Math.sqrt(var / w.length)).isCloseTo(Math.sqrt(2.0 / (32 * 9)), org.assertj.core.data.Percentage.withPercentage(5));
            assertThat(wa.get("bn1.weight").data()).containsOnly(1f);
            assertThat(wa.get("bn1.bias").data()).containsOnly(0f);
            assertThat(zero.weights().get("layer1.0.bn2.weight").data()).containsOnly(0f);
            assertThat(zero.weights().get("layer1.0.bn1.weight").data()).containsOnly(1f);
        }
    }

    @Test
    void badNamesAndOptionsAreOneClearLine() {
        assertThatThrownBy(() -> ResNets.spec("resnet21")).isInstanceOf(ResNet4jException.class).hasMessageContaining("6n+2");
        assertThatThrownBy(() -> ResNets.spec("vgg16")).isInstanceOf(ResNet4jException.class).hasMessageContaining("unknown model 'vgg16'");
        assertThatThrownBy(() -> ResNets.spec("plain20").withShortcut(Shortcut.A)).hasMessageContaining("plain nets have no shortcuts");
        assertThatThrownBy(() -> ResNets.spec("resnet20").withInput(3, 2, 2)).hasMessageContaining("at least 4x4");
        assertThatThrownBy(() -> ResNets.spec("resnet20").withStrideIn1x1(true)).hasMessageContaining("bottleneck");
    }
}
