package org.resnet4j.cli;

import org.resnet4j.ResNet4jException;
import org.resnet4j.model.ResNetSpec;
import org.resnet4j.model.ResNets;
import org.resnet4j.model.Shortcut;
import picocli.CommandLine.Option;

/** The options that pick a zoo network and adapt it: shared by summary, import and train. */
public final class ModelOptions {
    @Option(names = "--model", paramLabel = "NAME", defaultValue = "resnet20",
            description = "Zoo network (default: ${DEFAULT-VALUE}): resnet20..1202, plain20..110, resnet18..152, "
                    + "preact-resnet110/164/1001, or resnetD/plainD for any depth 6n+2.")
    String model;

    @Option(names = "--input", paramLabel = "CxHxW",
            description = "Input shape (default: 3x32x32 for CIFAR and pre-activation nets, 3x224x224 for ImageNet nets).")
    String input;

    @Option(names = "--classes", paramLabel = "K", description = "Number of classes (default: 10, or 1000 for ImageNet nets).")
    Integer classes;

    @Option(names = "--shortcut", paramLabel = "A|B|C",
            description = "Shortcut option (paper 3.3): A zero-padding (CIFAR default), B projection where the shape changes "
                    + "(ImageNet and pre-activation default), C projection everywhere.")
    String shortcut;

    @Option(names = "--small-stem", description = "ImageNet nets: 3x3 stride-1 stem, no max-pool, for 32x32 inputs.")
    boolean smallStem;

    @Option(names = "--stride-in-1x1", description = "Bottleneck nets: downsample in the first 1x1 conv (v1, the original) "
            + "instead of the 3x3 (v1.5, torchvision's default).")
    boolean strideIn1x1;

    @Option(names = "--zero-init-residual", description = "Start each residual branch's last BN at gamma 0.")
    boolean zeroInitResidual;

    /** The spec these options describe. */
    public ResNetSpec spec() {
        ResNetSpec spec = ResNets.spec(model);
        if (shortcut != null) {
            try {
                spec = spec.withShortcut(Shortcut.parse(shortcut));
            } catch (IllegalArgumentException e) {
                throw new ResNet4jException("--shortcut: " + e.getMessage());
            }
        }
        if (smallStem) {
            spec = spec.withSmallStem(true);
        }
        if (strideIn1x1) {
            spec = spec.withStrideIn1x1(true);
        }
        if (zeroInitResidual) {
            spec = spec.withZeroInitResidual(true);
        }
        if (input != null) {
            int[] s = parseInput(input);
            spec = spec.withInput(s[0], s[1], s[2]);
        }
        if (classes != null) {
            if (classes < 1) {
                throw new ResNet4jException("--classes: must be at least 1, not " + classes);
            }
            spec = spec.withClasses(classes);
        }
        return spec;
    }

    /** Parses "3x32x32" (also "32x32" for 3 channels, or "1x28x28"). */
    static int[] parseInput(String value) {
        String[] parts = value.trim().toLowerCase(java.util.Locale.ROOT).split("[x,]");
        try {
            if (parts.length == 2) {
                return new int[] {3, positive(parts[0]), positive(parts[1])};
            }
            if (parts.length == 3) {
                return new int[] {positive(parts[0]), positive(parts[1]), positive(parts[2])};
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new ResNet4jException("--input: expected CxHxW such as 3x32x32, not '" + value + "'");
    }

    private static int positive(String s) {
        int v = Integer.parseInt(s.trim());
        if (v < 1) {
            throw new NumberFormatException(s);
        }
        return v;
    }
}
