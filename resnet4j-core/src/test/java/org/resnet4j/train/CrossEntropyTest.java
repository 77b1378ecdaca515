package org.resnet4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.resnet4j.util.Devices;

class CrossEntropyTest {
    @Test
    void matchesPyTorchCrossEntropy() {
        // torch.nn.functional.cross_entropy(tensor([[1.,2,3],[1,1,1]]), tensor([2,0])) = mean(0.40760596, 1.09861229)
        try (NDManager m = NDManager.newBaseManager(Devices.device())) {
            float loss = TrainingStep.crossEntropy(m.create(new float[] {1, 2, 3, 1, 1, 1}, new Shape(2, 3)), m.create(new long[] {2, 0}))
                    .getFloat();
            assertThat(loss).isCloseTo((float) ((0.40760596 + 1.09861229) / 2), within(1e-6f));
        }
    }

    @Test
    void smoothsLabelsAsPyTorch() {
        // F.cross_entropy(tensor([[1.,2,3],[1,1,1]]), tensor([2,0]), label_smoothing=0.1) = 0.8031090497970581
        try (NDManager m = NDManager.newBaseManager(Devices.device())) {
            float loss = TrainingStep.crossEntropy(m.create(new float[] {1, 2, 3, 1, 1, 1}, new Shape(2, 3)), m.create(new long[] {2, 0}),
                    0.1).getFloat();
            assertThat(loss).isCloseTo(0.8031090f, within(1e-6f));
        }
    }
}
