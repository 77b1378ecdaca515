package org.resnet4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Same weights, same images, same logits as PyTorch 1.13 (Debian's python3-torch): torchvision's
 * resnet18 and resnet50, and our PyTorch definitions of CIFAR resnet20 and preact-resnet164
 * (bench/parity/torch_resnets.py). bench/parity-check covers all nine networks of the issue.
 */
class PyTorchParityTest {
    /** Why PyTorch cannot be used, or null when it can. */
    private static String torchMissing;

    @TempDir static Path tmp;

    @BeforeAll
    static void findPyTorch() throws Exception {
        try {
            // no time limit: a first import of torch on a busy machine can take minutes, and a
            // slow import must not pass for a missing one
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch, torchvision").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            torchMissing = p.waitFor() == 0 ? null : "import torch, torchvision failed: " + out.lines().reduce((a, b) -> b).orElse("");
        } catch (java.io.IOException e) {
            torchMissing = "/usr/bin/python3 not found";
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnet50", "resnet20", "preact-resnet164"})
    void logitsMatchPyTorch(String model) throws Exception {
        assumeTrue(torchMissing == null, () -> torchMissing + " (apt-get install python3-torch python3-torchvision): "
                + "skipping parity with PyTorch");
        Path dir = tmp.resolve(model);
        Process export = new ProcessBuilder("/usr/bin/python3", "bench/parity/export.py", model, dir.toString())
                .redirectErrorStream(true).start();
        String log = new String(export.getInputStream().readAllBytes());
        assertThat(export.waitFor()).as(log).isZero();
        Parity.Result r = Parity.check(dir);
        assertThat(r.sameTop1()).as(r.describe()).isEqualTo(r.batch());
        assertThat(r.relative()).as(r.describe()).isLessThanOrEqualTo(Parity.TOLERANCE);
    }
}
