package org.resnet4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ResNetModel#features}: the pooled penultimate activations, which the classifier maps to the logits. */
class FeaturesTest {
    @ParameterizedTest
    @CsvSource({"resnet20, 32, 64", "resnet18, 64, 512", "resnet50, 64, 2048"})
    void featuresHaveTheWidthOfTheLastStageAndGiveTheLogits(String name, int size, int dim) {
        try (ResNetModel model = ResNetModel.create(ResNets.spec(name).withInput(3, size, size), 4);
                NDManager m = model.manager().newSubManager()) {
            assertThat(model.block().featureSize()).isEqualTo(dim);
            NDArray x = m.randomNormal(new Shape(3, 3, size, size));
            float[] f = model.features(x).toFloatArray();
            float[] logits = model.logits(x).toFloatArray();
            assertThat(f).hasSize(3 * dim);
            var params = TorchNames.parameters(model.block());
            float[] w = params.get("fc.weight").getArray().toFloatArray();
            float[] b = params.get("fc.bias").getArray().toFloatArray();
            int classes = model.spec().classes();
            for (int i = 0; i < 3; i++) {
                for (int c = 0; c < classes; c += Math.max(1, classes / 10)) {
                    double z = b[c];
                    for (int d = 0; d < dim; d++) {
                        z += (double) w[c * dim + d] * f[i * dim + d];
                    }
                    assertThat(logits[i * classes + c]).as("image %d class %d", i, c)
                            .isCloseTo((float) z, within(1e-3f * (1 + Math.abs((float) z))));
                }
            }
        }
    }
}
