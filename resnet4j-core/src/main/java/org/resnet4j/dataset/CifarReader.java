package org.resnet4j.dataset;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.resnet4j.ResNet4jException;

/**
 * CIFAR-10 and CIFAR-100 in the official binary form ({@code cifar-10-batches-bin},
 * {@code cifar-100-binary}: one record per image, label byte(s) then 1024 R, 1024 G, 1024 B bytes) and
 * the python-pickle form ({@code cifar-10-batches-py}, {@code cifar-100-python}). Both give the same
 * {@link ImageSet}s, in HWC order.
 */
final class CifarReader {
    /** Which CIFAR, and for CIFAR-100 which labels. */
    enum Variant {
        CIFAR10("cifar10", 10, 1, 0), CIFAR100_FINE("cifar100", 100, 2, 1), CIFAR100_COARSE("cifar100-coarse", 20, 2, 0);

        final String name;
        final int classes;
        final int labelBytes;
        final int labelIndex;

        Variant(String name, int classes, int labelBytes, int labelIndex) {
            this.name = name;
            this.classes = classes;
            this.labelBytes = labelBytes;
            this.labelIndex = labelIndex;
        }

        boolean ten() {
            return this == CIFAR10;
        }

        String title() {
            return ten() ? "CIFAR-10" : "CIFAR-100";
        }
    }

    static final List<String> CIFAR10_CLASSES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    static final int SIDE = 32;
    static final int IMAGE_BYTES = 3 * SIDE * SIDE;

    private final Variant variant;
    private final DataRoot root;

    CifarReader(Variant variant, DataRoot root) {
        this.variant = variant;
        this.root = root;
    }

    LoadedDataset read(LoadOptions options) {
        Path base = root.root();
        if (Files.isRegularFile(base)) {
            return readSingleFile(base, options);
        }
        for (Path dir : candidates(base)) {
            if (binaryFile(dir, true) != null || binaryFile(dir, false) != null) {
                return readDir(dir, true, options);
            }
            if (pythonFile(dir, true) != null || pythonFile(dir, false) != null) {
                return readDir(dir, false, options);
            }
        }
        throw new ResNet4jException(root.source() + ": no " + variant.title() + " files found (expected "
                + (variant.ten() ? "cifar-10-batches-bin/data_batch_1.bin .. test_batch.bin or cifar-10-batches-py/"
                        : "cifar-100-binary/train.bin, test.bin or cifar-100-python/")
                + ")");
    }

    private List<Path> candidates(Path base) {
        List<Path> dirs = new ArrayList<>(List.of(base));
        for (String sub : variant.ten() ? List.of("cifar-10-batches-bin", "cifar-10-batches-py", "cifar10")
                : List.of("cifar-100-binary", "cifar-100-python", "cifar100")) {
            if (Files.isDirectory(base.resolve(sub))) {
                dirs.add(base.resolve(sub));
            }
        }
        return dirs;
    }

    private LoadedDataset readDir(Path dir, boolean binary, LoadOptions options) {
        List<Path> trainFiles = new ArrayList<>();
        if (variant.ten()) {
            for (int i = 1; i <= 5; i++) {
                Path p = dir.resolve("data_batch_" + i + (binary ? ".bin" : ""));
                if (Files.exists(p)) {
                    trainFiles.add(p);
                }
            }
        } else {
            Path p = binary ? binaryFile(dir, true) : pythonFile(dir, true);
            if (p != null) {
                trainFiles.add(p);
            }
        }
        Path testFile = binary ? binaryFile(dir, false) : pythonFile(dir, false);
        List<String> classes = binary ? binaryClassNames(dir) : pythonClassNames(dir);
        ImageSet train = null;
        ImageSet test = null;
        if (options.wantTrain(!trainFiles.isEmpty())) {
            if (variant.ten() && trainFiles.size() != 5) {
                throw new ResNet4jException(root.describe(dir) + ": " + trainFiles.size() + " of the 5 CIFAR-10 training files (data_batch_1"
                        + (binary ? ".bin" : "") + " .. data_batch_5" + (binary ? ".bin" : "") + ") found; this command needs the training split");
            }
            if (trainFiles.isEmpty()) {
                throw new ResNet4jException(root.describe(dir) + ": no CIFAR-100 training file (train" + (binary ? ".bin" : "")
                        + "); this command needs the training split");
            }
            train = concat("train", classes, trainFiles.stream().map(f -> readFile(f, binary, classes)).toList());
        }
        if (options.wantTest(testFile != null)) {
            if (testFile == null) {
                throw new ResNet4jException(root.describe(dir) + ": no " + variant.title() + " test file ("
                        + (variant.ten() ? "test_batch" : "test") + (binary ? ".bin" : "") + "); this command needs the test split");
            }
            test = readFile(testFile, binary, classes).withName("test");
        }
        return new LoadedDataset(variant.name, classes, train, test, root.describe(dir), null);
    }

    private LoadedDataset readSingleFile(Path file, LoadOptions options) {
        boolean isTest = file.getFileName().toString().contains("test");
        byte[] head = root.read(file);
        boolean pickle = head.length > 0 && (head[0] & 0xFF) == 0x80;
        List<String> classes = pickle ? pythonClassNames(file.toAbsolutePath().getParent())
                : binaryClassNames(file.toAbsolutePath().getParent());
        ImageSet set = (pickle ? parsePython(file, head, classes) : parseBinary(file, head, classes)).withName(isTest ? "test" : "train");
        if ((isTest && options.needTrain()) || (!isTest && options.needTest())) {
            throw new ResNet4jException(root.source() + ": a single " + variant.title() + (isTest ? " test" : " training")
                    + " file; this command needs the " + (isTest ? "training" : "test") + " split too: give the directory");
        }
        return new LoadedDataset(variant.name, classes, isTest ? null : set, isTest ? set : null, root.source().toString(), null);
    }

    private Path binaryFile(Path dir, boolean train) {
        return DataRoot.firstExisting(dir, variant.ten() ? (train ? "data_batch_1.bin" : "test_batch.bin") : (train ? "train.bin" : "test.bin"));
    }

    private Path pythonFile(Path dir, boolean train) {
        Path p = DataRoot.firstExisting(dir, variant.ten() ? (train ? "data_batch_1" : "test_batch") : (train ? "train" : "test"));
        return p != null && Files.isRegularFile(p) ? p : null;
    }

    private ImageSet readFile(Path file, boolean binary, List<String> classes) {
        byte[] bytes = root.read(file);
        return binary ? parseBinary(file, bytes, classes) : parsePython(file, bytes, classes);
    }

    /** Records of label byte(s) + R, G, B planes, converted to HWC. */
    ImageSet parseBinary(Path file, byte[] bytes, List<String> classes) {
        int record = variant.labelBytes + IMAGE_BYTES;
        if (bytes.length == 0 || bytes.length % record != 0) {
            throw new ResNet4jException(root.describe(file) + ": truncated or over-long " + variant.title() + " binary file: "
                    + bytes.length + " bytes is not a whole number of " + record + "-byte records");
        }
        int n = bytes.length / record;
        int[] labels = new int[n];
        byte[] pixels = new byte[n * IMAGE_BYTES];
        for (int i = 0; i < n; i++) {
            int at = i * record;
            labels[i] = checkLabel(file, i, bytes[at + variant.labelIndex] & 0xFF);
            planesToHwc(bytes, at + variant.labelBytes, pixels, i * IMAGE_BYTES);
        }
        return new ImageSet("train", classes, 3, SIDE, SIDE, pixels, labels);
    }

    ImageSet parsePython(Path file, byte[] bytes, List<String> classes) {
        String name = root.describe(file);
        Map<?, ?> dict = asDict(NumpyPickle.read(bytes, name), name);
        if (!(dict.get("data") instanceof NumpyPickle.NdArray data)) {
            throw new ResNet4jException(name + ": no 'data' array (not a CIFAR python batch)");
        }
        if (!"u1".equals(data.dtype) && !"|u1".equals(data.dtype)) {
            throw new ResNet4jException(name + ": 'data' has dtype " + data.dtype + ", expected uint8");
        }
        String labelKey = variant.ten() ? "labels" : variant.labelIndex == 1 ? "fine_labels" : "coarse_labels";
        if (!(dict.get(labelKey) instanceof List<?> labelList)) {
            throw new ResNet4jException(name + ": no '" + labelKey + "' list (not a " + variant.title() + " python batch)");
        }
        int n = labelList.size();
        if (data.data.length != (long) n * IMAGE_BYTES) {
            throw new ResNet4jException(name + ": image and label counts disagree: 'data' holds " + data.data.length + " bytes ("
                    + (data.data.length / (double) IMAGE_BYTES) + " images of 3x32x32), '" + labelKey + "' has " + n + " labels");
        }
        int[] labels = new int[n];
        byte[] pixels = new byte[n * IMAGE_BYTES];
        for (int i = 0; i < n; i++) {
            if (!(labelList.get(i) instanceof Long l)) {
                throw new ResNet4jException(name + ": label " + i + " is not an integer");
            }
            labels[i] = checkLabel(file, i, l);
            planesToHwc(data.data, i * IMAGE_BYTES, pixels, i * IMAGE_BYTES);
        }
        return new ImageSet("train", classes, 3, SIDE, SIDE, pixels, labels);
    }

    private int checkLabel(Path file, int index, long label) {
        if (label < 0 || label >= variant.classes) {
            throw new ResNet4jException(root.describe(file) + ": image " + index + " has label " + label + ", outside 0.." + (variant.classes - 1));
        }
        return (int) label;
    }

    private static void planesToHwc(byte[] src, int from, byte[] dst, int to) {
        int plane = SIDE * SIDE;
        for (int p = 0; p < plane; p++) {
            dst[to + 3 * p] = src[from + p];
            dst[to + 3 * p + 1] = src[from + plane + p];
            dst[to + 3 * p + 2] = src[from + 2 * plane + p];
        }
    }

    private List<String> binaryClassNames(Path dir) {
        String file = variant.ten() ? "batches.meta.txt" : variant.labelIndex == 1 ? "fine_label_names.txt" : "coarse_label_names.txt";
        Path p = dir == null ? null : DataRoot.firstExisting(dir, file);
        if (p == null) {
            return defaultNames();
        }
        List<String> names = new String(root.read(p), StandardCharsets.UTF_8).lines().map(String::trim).filter(s -> !s.isEmpty()).toList();
        return checkNames(p, names);
    }

    private List<String> pythonClassNames(Path dir) {
        Path p = dir == null ? null : DataRoot.firstExisting(dir, variant.ten() ? "batches.meta" : "meta");
        if (p == null) {
            return defaultNames();
        }
        String name = root.describe(p);
        Map<?, ?> meta = asDict(NumpyPickle.read(root.read(p), name), name);
        String key = variant.ten() ? "label_names" : variant.labelIndex == 1 ? "fine_label_names" : "coarse_label_names";
        if (!(meta.get(key) instanceof List<?> list)) {
            throw new ResNet4jException(name + ": no '" + key + "' list");
        }
        List<String> names = list.stream().map(o -> o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o)).toList();
        return checkNames(p, names);
    }

    private List<String> checkNames(Path p, List<String> names) {
        if (names.size() != variant.classes) {
            throw new ResNet4jException(root.describe(p) + ": " + names.size() + " class names, expected " + variant.classes);
        }
        return names;
    }

    private List<String> defaultNames() {
        return variant.ten() ? CIFAR10_CLASSES : IntStream.range(0, variant.classes).mapToObj(Integer::toString).toList();
    }

    private static Map<?, ?> asDict(Object o, String name) {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new ResNet4jException(name + ": the pickle does not hold a dict (not a CIFAR python file)");
    }

    private static ImageSet concat(String name, List<String> classes, List<ImageSet> parts) {
        int n = parts.stream().mapToInt(ImageSet::size).sum();
        byte[] pixels = new byte[n * IMAGE_BYTES];
        int[] labels = new int[n];
        int at = 0;
        for (ImageSet s : parts) {
            System.arraycopy(s.pixels(), 0, pixels, at * IMAGE_BYTES, s.size() * IMAGE_BYTES);
            System.arraycopy(s.labels(), 0, labels, at, s.size());
            at += s.size();
        }
        return new ImageSet(name, classes, 3, SIDE, SIDE, pixels, labels);
    }
}
