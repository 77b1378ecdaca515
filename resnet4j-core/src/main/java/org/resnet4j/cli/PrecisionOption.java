package org.resnet4j.cli;

import ai.djl.Device;
import java.io.PrintWriter;
import org.resnet4j.model.Precision;
import org.resnet4j.model.ResNetModel;
import picocli.CommandLine.Option;

/** {@code --precision fp32|bf16}: shared by eval, predict, embed and bench (train keeps it as a run setting). */
public final class PrecisionOption {
    @Option(names = "--precision", paramLabel = "fp32|bf16", defaultValue = "fp32",
            description = "Arithmetic: fp32 (default) or bf16 (bfloat16 mixed precision as torch.autocast: convolutions and "
                    + "the classifier in bfloat16, batch norm statistics in float32). Needs a GPU or a CPU with AVX512_BF16 "
                    + "or AMX; elsewhere a notice and fp32.")
    String precision;

    /** The value given, checked: a bad one is a usage error naming the flag (before any work). */
    Precision requested() {
        return Precision.parse(precision);
    }

    /** The precision to compute in on {@code device}: the one asked for, or fp32 after a notice on {@code err}. */
    Precision resolve(Device device, PrintWriter err) {
        return requested().on(device, line -> {
            err.println(line);
            err.flush();
        });
    }

    /** Sets the precision of a loaded model. */
    void apply(ResNetModel model, PrintWriter err) {
        model.setPrecision(resolve(model.manager().getDevice(), err));
    }
}
