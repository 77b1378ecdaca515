package org.resnet4j.dataset;

import java.nio.file.Path;
import java.util.List;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;

/** Reads a data set by name ({@code --dataset}) from a directory, file or zip ({@code --data}). */
public final class Datasets {
    /** The names {@code --dataset} accepts. */
    public static final List<String> NAMES = List.of("cifar10", "cifar100", "cifar100-coarse", "mnist", "fashion-mnist", "folder");

    private Datasets() {}

    /**
     * Loads {@code dataset} from {@code dataOrNull}, or from where {@link DataLocator} finds it when
     * null. Errors are one-line {@link ResNet4jException}s naming the file and what is wrong.
     */
    public static LoadedDataset load(String dataset, Path dataOrNull, LoadOptions options) {
        String name = dataset == null ? "" : dataset.trim().toLowerCase(java.util.Locale.ROOT);
        if (!NAMES.contains(name)) {
            throw new UsageException("--dataset: unknown dataset '" + dataset + "' (known: " + String.join(", ", NAMES) + ")");
        }
        Path path = dataOrNull != null ? dataOrNull : DataLocator.system().locate(name);
        LoadedDataset raw;
        try (DataRoot root = DataRoot.open(path)) {
            raw = switch (name) {
                case "cifar10" -> new CifarReader(CifarReader.Variant.CIFAR10, root).read(options);
                case "cifar100" -> new CifarReader(CifarReader.Variant.CIFAR100_FINE, root).read(options);
                case "cifar100-coarse" -> new CifarReader(CifarReader.Variant.CIFAR100_COARSE, root).read(options);
                case "mnist", "fashion-mnist" -> new IdxReader(name, root).read(options);
                default -> new FolderReader(root).read(options);
            };
        }
        ImageSet train = Channels.convert(raw.train(), options.channels());
        ImageSet test = Channels.convert(raw.test(), options.channels());
        return new LoadedDataset(name, raw.classes(), train, test, raw.source(), Fingerprint.of(raw.classes(), train, test));
    }
}
