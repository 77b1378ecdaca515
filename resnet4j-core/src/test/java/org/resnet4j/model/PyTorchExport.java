package org.resnet4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Debian's PyTorch 1.13 for the parity tests: whether it is there, and bench/parity/export.py. */
public final class PyTorchExport {
    private static String missing;
    private static boolean looked;

    private PyTorchExport() {}

    /** Why PyTorch cannot be used (with the packages to install), or null when it can. */
    public static synchronized String missing() throws InterruptedException {
        if (!looked) {
            looked = true;
            try {
                // no time limit: a first import of torch on a busy machine can take minutes, and a
                // slow import must not pass for a missing one
                Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch, torchvision")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes()).strip();
                missing = p.waitFor() == 0 ? null
                        : "import torch, torchvision failed: " + out.lines().reduce((a, b) -> b).orElse("");
            } catch (IOException e) {
                missing = "/usr/bin/python3 not found";
            }
            if (missing != null) {
                missing += " (apt-get install python3-torch python3-torchvision)";
            }
        }
        return missing;
    }

    /** Runs {@code bench/parity/export.py model dir options...}, which must succeed; returns {@code dir}. */
    public static Path export(String model, Path dir, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "bench/parity/export.py", model, dir.toString()));
        command.addAll(List.of(options));
        Process export = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(export.getInputStream().readAllBytes());
        assertThat(export.waitFor()).as(log).isZero();
        return dir;
    }
}
