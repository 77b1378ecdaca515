package org.resnet4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.resnet4j.util.Devices;

/** The float32 / bfloat16 casts DJL's engine lacks: values rounded as bfloat16, gradients passed through. */
class CastsTest {
    @Test
    void castsRoundToBfloat16AndPassGradientsBack() {
        try (NDManager m = Devices.engine().newBaseManager()) {
            // 1 + 2^-7 is a bfloat16 (7 fraction bits); 1 + 2^-9 rounds to 1; 3.14159 rounds to 3.140625
            NDArray x = m.create(new float[] {1f + 1f / 128, 1f + 1f / 512, 3.14159f, -2.5f});
            x.setRequiresGradient(true);
            float[] back;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray b = Casts.toBfloat16(x);
                assertThat(Casts.isBfloat16(b)).isTrue();
                assertThat(Casts.toBfloat16(b)).as("already bfloat16").isSameAs(b);
                NDArray f = Casts.toFloat32(b);
                assertThat(f.getDataType()).isEqualTo(DataType.FLOAT32);
                back = f.toFloatArray();
                gc.backward(f.mul(m.create(new float[] {1, 2, 3, 4})).sum());
            }
            assertThat(back).containsExactly(1f + 1f / 128, 1f, 3.140625f, -2.5f);
            assertThat(x.getGradient().toFloatArray()).containsExactly(1, 2, 3, 4);
            assertThat(Casts.toFloat32(x)).as("already float32").isSameAs(x);
        }
    }
}
