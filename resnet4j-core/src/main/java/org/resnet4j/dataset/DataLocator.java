package org.resnet4j.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.resnet4j.ResNet4jException;

/**
 * Where a data set is when {@code --data} is not given: under {@code $RESNET4J_DATA}, {@code ./data}
 * and {@code ~/.resnet4j/data}, in that order, in the folder a download puts it in (or one of the
 * usual names); Fashion-MNIST finally falls back to Debian's {@code dataset-fashion-mnist} package.
 */
public final class DataLocator {
    static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    private static final Map<String, List<String>> FOLDER_NAMES = Map.of(
            "cifar10", List.of("cifar-10-batches-bin", "cifar-10-batches-py", "cifar10"),
            "cifar100", List.of("cifar-100-binary", "cifar-100-python", "cifar100"),
            "cifar100-coarse", List.of("cifar-100-binary", "cifar-100-python", "cifar100"),
            "mnist", List.of("mnist", "MNIST"),
            "fashion-mnist", List.of("fashion-mnist", "FashionMNIST"),
            "folder", List.of("folder", "images"));

    private final Map<String, String> env;
    private final Path workingDir;
    private final Path home;

    DataLocator(Map<String, String> env, Path workingDir, Path home) {
        this.env = env;
        this.workingDir = workingDir;
        this.home = home;
    }

    public static DataLocator system() {
        return new DataLocator(System.getenv(), Path.of(""), Path.of(System.getProperty("user.home")));
    }

    /** The base directories searched, in order. */
    public List<Path> bases() {
        List<Path> bases = new ArrayList<>();
        String fromEnv = env.get("RESNET4J_DATA");
        if (fromEnv != null && !fromEnv.isBlank()) {
            bases.add(Path.of(fromEnv));
        }
        bases.add(workingDir.resolve("data"));
        bases.add(home.resolve(".resnet4j").resolve("data"));
        return bases;
    }

    /** Where {@code data download} puts archives: {@code $RESNET4J_DATA}, else {@code ./data}. */
    public Path downloadDir() {
        return bases().get(0);
    }

    /** The data set's location, or a one-line error saying where it looked. */
    public Path locate(String dataset) {
        List<Path> tried = new ArrayList<>();
        for (Path base : bases()) {
            for (String name : FOLDER_NAMES.getOrDefault(dataset, List.of())) {
                Path p = base.resolve(name);
                tried.add(p);
                if (Files.exists(p)) {
                    return p;
                }
            }
        }
        if (dataset.equals("fashion-mnist")) {
            tried.add(DEBIAN_FASHION_MNIST);
            if (Files.isDirectory(DEBIAN_FASHION_MNIST)) {
                return DEBIAN_FASHION_MNIST;
            }
        }
        throw new ResNet4jException("--data not given and no " + dataset + " data found; looked in "
                + String.join(", ", tried.stream().map(Path::toString).toList())
                + (dataset.equals("folder") ? "; give --data DIR_OR_ZIP" : "; give --data PATH or run 'resnet4j data download --dataset " + dataset + "'"));
    }
}
