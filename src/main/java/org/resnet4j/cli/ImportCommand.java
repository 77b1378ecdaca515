package org.resnet4j.cli;

import java.nio.file.Path;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.WeightsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code resnet4j import}: a PyTorch state_dict into a ResNet4J model directory. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Read a PyTorch state_dict (.npz from np.savez, or .safetensors) and write a ResNet4J model directory.",
            "Names: torchvision's for every family (conv1, bn1, layerS.B.conv1, ..., layerS.B.downsample.0, fc); "
                    + "pre-activation nets add the final 'bn'. A 'module.' prefix and akamaster's CIFAR names "
                    + "('linear', 'shortcut') are accepted."})
public final class ImportCommand implements Runnable {
    @Mixin ModelOptions modelOptions;

    @Option(names = "--from", required = true, paramLabel = "FILE", description = "weights.npz or weights.safetensors")
    Path from;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model directory to write.")
    Path out;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public void run() {
        try (ResNetModel model = ResNetModel.fromWeights(modelOptions.spec(), WeightsFile.read(from), from.toString())) {
            model.save(out);
            commandSpec.commandLine().getOut().printf("Imported %s (%,d parameters) from %s into %s%n",
                    model.spec().describe(), model.summary().params(), from, out);
        }
    }
}
