package org.resnet4j.cli;

import java.nio.file.Path;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;

import org.resnet4j.dataset.ImageSet;
import org.resnet4j.dataset.Normalization;
import org.resnet4j.dataset.Pipeline;
import org.resnet4j.dataset.Preset;
import org.resnet4j.dataset.LoadedDataset;
import org.resnet4j.dataset.PreviewGrid;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code resnet4j data preview}: a PNG grid of labelled sample images. */
@Command(name = "preview", mixinStandardHelpOptions = true, description = "Write a PNG grid of labelled sample images.")
public final class DataPreviewCommand implements Runnable {
    @Mixin DatasetOptions data;

    @Option(names = "--out", required = true, paramLabel = "PNG", description = "The PNG file to write.")
    Path out;

    @Option(names = "--split", defaultValue = "train", paramLabel = "SPLIT", description = "train or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--count", defaultValue = "64", description = "Images to show (default: ${DEFAULT-VALUE}, an 8x8 grid).")
    int count;

    @Option(names = "--augmented", description = "Show them as training sees them: pad 4, random crop, random flip (paper section 4.2).")
    boolean augmented;

    @Option(names = "--seed", defaultValue = "0", description = "Picks the images and the augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (!split.equals("train") && !split.equals("test")) {
            throw new UsageException("--split: must be train or test, not '" + split + "'");
        }
        if (count <= 0) {
            throw new UsageException("--count: must be positive");
        }
        boolean train = split.equals("train");
        LoadedDataset d = data.load(0, train, !train);
        ImageSet set = train ? d.trainImages() : d.testImages();
        Preset cifar = Preset.named(Preset.CIFAR);
        Normalization none = Normalization.none(set.channels(), set.height(), set.width());
        Pipeline pipeline = augmented ? cifar.train(set.channels(), set.height(), set.width(), none, new Preset.Options(4, true, 0))
                : cifar.eval(set.channels(), set.height(), set.width(), none);
        PreviewGrid.write(PreviewGrid.render(set, count, pipeline, seed), out);
        spec.commandLine().getOut().println("wrote " + out + " (" + Math.min(count, set.size()) + " " + split + " images of " + d.name() + ")");
        spec.commandLine().getOut().flush();
    }
}
