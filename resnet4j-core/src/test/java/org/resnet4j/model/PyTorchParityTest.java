package org.resnet4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Same weights, same images, same logits as PyTorch 1.13 (Debian's python3-torch): torchvision's
 * resnet18 and resnet50, and our PyTorch definitions of CIFAR resnet20 and preact-resnet164
 * (bench/parity/torch_resnets.py). bench/parity-check covers all nine networks of the issue.
 */
class PyTorchParityTest {
    @TempDir static Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnet50", "resnet20", "preact-resnet164"})
    void logitsMatchPyTorch(String model) throws Exception {
        String missing = PyTorchExport.missing();
        assumeTrue(missing == null, () -> missing + ": skipping parity with PyTorch");
        Parity.Result r = Parity.check(PyTorchExport.export(model, tmp.resolve(model)));
        assertThat(r.sameTop1()).as(r.describe()).isEqualTo(r.batch());
        assertThat(r.relative()).as(r.describe()).isLessThanOrEqualTo(Parity.TOLERANCE);
    }
}
