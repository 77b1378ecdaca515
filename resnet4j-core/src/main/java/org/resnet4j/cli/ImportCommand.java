package org.resnet4j.cli;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.resnet4j.dataset.NormalizationSpec;
import org.resnet4j.dataset.Preset;
import org.resnet4j.model.ClassNames;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNetSpec;
import org.resnet4j.model.WeightsFile;
import org.resnet4j.util.Json;
import org.resnet4j.util.Sha256;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code resnet4j import}: a PyTorch checkpoint or state_dict into a ResNet4J model directory. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Read PyTorch weights and write a ResNet4J model directory: a checkpoint as torch.save writes it "
                + "(.pth, .pt, .th, .tar, .ckpt, .bin; zip or legacy format; a bare state_dict or a dict holding one "
                + "under state_dict, model_state_dict, model, net or module), a .npz from np.savez or a .safetensors file.",
            "Checkpoints are read without running anything: the pickle may name only torch's tensor-rebuilding globals "
                    + "(as torch.load(weights_only=True)); anything else is refused.",
            "Names: torchvision's for every family (conv1, bn1, layerS.B.conv1, ..., layerS.B.downsample.0, fc); "
                    + "pre-activation nets add the final 'bn'. A 'module.' prefix and akamaster's CIFAR names "
                    + "('linear', 'shortcut') are accepted.",
            "Example (torchvision): import --model resnet50 --from resnet50-0676ba61.pth --normalization imagenet "
                    + "--class-names imagenet --out models/resnet50"})
public final class ImportCommand implements Runnable {
    @Mixin ModelOptions modelOptions;

    @Option(names = "--from", required = true, paramLabel = "FILE",
            description = "A PyTorch checkpoint (.pth, .pt, ...), weights.npz or weights.safetensors.")
    Path from;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model directory to write.")
    Path out;

    @Option(names = "--normalization", paramLabel = "N", description = "What the weights expect of their inputs: "
            + NormalizationSpec.SYNTAX + " (0..1 units; default none: pixels scaled to 0..1 only). torchvision's "
            + "ImageNet weights need imagenet.")
    String normalization;

    @Option(names = "--class-names", paramLabel = "FILE|imagenet", description = "Names of the outputs: a file of one "
            + "name per line, or imagenet for the 1,000 ImageNet classes in torchvision's order (default: 0, 1, ...).")
    String classNames;

    @Option(names = "--preset", paramLabel = "NAME", description = "How eval and predict prepare images for these "
            + "weights: imagenet (shorter side to 256, centre 224 crop, as torchvision evaluates; the default for "
            + "networks of 64x64 inputs and more), imagenet-paper (the same for the paper's recipe) or cifar (the whole "
            + "image at the input size; the default for smaller inputs).")
    String preset;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public void run() {
        PrintWriter stdout = commandSpec.commandLine().getOut();
        ResNetSpec spec = modelOptions.spec();
        var norm = normalization == null ? null : NormalizationSpec.parse(normalization, spec.inputChannels(),
                spec.inputHeight(), spec.inputWidth(), "--normalization");
        // the networks of Table 1 are evaluated on crops of photos (section 3.4); CIFAR's on the whole 32x32 image
        String recipe = Preset.named(preset != null ? preset
                : Math.min(spec.inputHeight(), spec.inputWidth()) >= 64 ? Preset.IMAGENET : Preset.CIFAR).name();
        var names = classNames == null ? null : ClassNames.read(classNames, "--class-names");
        if (names != null && names.size() != spec.classes()) {
            throw new org.resnet4j.ResNet4jException("--class-names " + classNames + ": " + names.size() + " names, but "
                    + spec.name() + " has " + spec.classes() + " outputs (give --classes " + names.size() + "?)");
        }
        WeightsFile.Loaded weights = WeightsFile.load(from);
        try (ResNetModel model = ResNetModel.fromWeights(spec, weights.tensors(), from.toString())) {
            if (norm != null) {
                model.setNormalization(norm);
            }
            if (names != null) {
                model.setClasses(names);
            }
            model.setPreset(recipe);
            JsonObject source = new JsonObject();
            source.addProperty("file", from.getFileName().toString());
            source.addProperty("path", from.toAbsolutePath().normalize().toString());
            source.addProperty("sha256", Sha256.of(from));
            source.add("notes", Json.GSON.toJsonTree(weights.notes()));
            model.provenance().add("source", source);
            model.save(out);
            weights.notes().forEach(n -> stdout.println("  " + n));
            stdout.printf("Imported %s (%,d parameters) from %s into %s (preset %s)%n", model.spec().describe(),
                    model.summary().params(), from, out, recipe);
            if (norm == null) {
                stdout.println("  note: no --normalization given, so inputs are only scaled to 0..1"
                        + (spec.inputChannels() == 3 ? " (torchvision's weights need --normalization imagenet)" : ""));
            }
            stdout.flush();
        }
    }
}
