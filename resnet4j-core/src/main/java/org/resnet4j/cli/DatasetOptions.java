package org.resnet4j.cli;

import java.nio.file.Path;
import org.resnet4j.dataset.Datasets;
import org.resnet4j.dataset.LoadOptions;
import org.resnet4j.dataset.LoadedDataset;
import picocli.CommandLine.Option;

/** {@code --dataset}, {@code --data} and {@code --skip-bad}, shared by every command that reads data. */
public final class DatasetOptions {
    @Option(names = "--dataset", required = true, paramLabel = "NAME",
            description = "cifar10, cifar100 (fine labels), cifar100-coarse, mnist, fashion-mnist or folder.")
    String dataset;

    @Option(names = "--data", paramLabel = "PATH",
            description = "Directory, file or zip holding the data. Default: searched in $RESNET4J_DATA, ./data, ~/.resnet4j/data"
                    + " (Fashion-MNIST also in /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--skip-bad", description = "Folder datasets: skip undecodable images (and say how many) instead of failing.")
    boolean skipBad;

    public String dataset() {
        return dataset;
    }

    public LoadedDataset load(int channels, boolean needTrain, boolean needTest) {
        return Datasets.load(dataset, data, new LoadOptions(skipBad, channels, needTrain, needTest));
    }

    /** A folder data set indexed, its files read one by one (images of different sizes). */
    public LoadedDataset loadIndexed(boolean needTrain, boolean needTest) {
        return Datasets.load(dataset, data, new LoadOptions(skipBad, 0, needTrain, needTest).indexed(0));
    }
}
