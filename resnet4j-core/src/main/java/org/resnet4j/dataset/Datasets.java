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
        Samples train = fit(raw.train(), options);
        Samples test = fit(raw.test(), options);
        return new LoadedDataset(name, raw.classes(), train, test, raw.source(), Fingerprint.of(raw.classes(), train, test));
    }

    /** An in-memory set with the channels and size the options ask for (files are converted as they are decoded). */
    private static Samples fit(Samples s, LoadOptions options) {
        if (!(s instanceof ImageSet set)) {
            return s;
        }
        set = Channels.convert(set, options.channels());
        int[] size = options.size();
        if (size == null || (size[0] == set.height() && size[1] == set.width())) {
            return set;
        }
        int n = size[0] * size[1] * set.channels();
        byte[] pixels = new byte[set.size() * n];
        for (int i = 0; i < set.size(); i++) {
            byte[] one = java.util.Arrays.copyOfRange(set.pixels(), i * set.imageBytes(), (i + 1) * set.imageBytes());
            Picture p = Resampler.resize(Picture.ofBytes(set.height(), set.width(), set.channels(), one), size[0], size[1]);
            System.arraycopy(p.bytes(), 0, pixels, i * n, n);
        }
        return new ImageSet(set.name(), set.classes(), set.channels(), size[0], size[1], pixels, set.labels());
    }
}
