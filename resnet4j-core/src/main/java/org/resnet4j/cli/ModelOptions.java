package org.resnet4j.cli;

import org.resnet4j.model.ResNetSpec;
import org.resnet4j.model.ResNets;
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
        return ResNets.spec(model, shortcut, smallStem, strideIn1x1, zeroInitResidual, input, classes);
    }
}
