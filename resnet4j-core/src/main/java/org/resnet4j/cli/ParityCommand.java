package org.resnet4j.cli;

import java.nio.file.Path;
import java.util.List;
import org.resnet4j.model.Parity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code resnet4j parity DIR...}: compare logits with PyTorch's (used by bench/parity-check). */
@Command(name = "parity", hidden = true, mixinStandardHelpOptions = true,
        description = "Compare ResNet4J's logits with PyTorch's for directories written by bench/parity/export.py.")
public final class ParityCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(paramLabel = "DIR", arity = "1..*", description = "Directories with weights.npz, input.npy, logits.npy, meta.json.")
    List<Path> dirs;

    @Override
    public Integer call() {
        boolean ok = true;
        for (Path dir : dirs) {
            Parity.Result r = Parity.check(dir);
            System.out.println(r.describe());
            ok &= r.passed();
        }
        return ok ? 0 : 1;
    }
}
