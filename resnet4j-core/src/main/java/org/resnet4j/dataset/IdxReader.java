package org.resnet4j.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.resnet4j.ResNet4jException;

/**
 * MNIST and Fashion-MNIST: the four IDX files ({@code train-images-idx3-ubyte}, ...), gzipped or
 * not. An IDX file is a big-endian header (magic {@code 0x00000803} for uint8 images, {@code
 * 0x00000801} for uint8 labels, then the dimensions) followed by the raw bytes.
 */
final class IdxReader {
    static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");
    static final List<String> DIGITS = IntStream.range(0, 10).mapToObj(Integer::toString).toList();
    private static final int IMAGES_MAGIC = 0x803;
    private static final int LABELS_MAGIC = 0x801;

    private final String dataset;
    private final DataRoot root;

    IdxReader(String dataset, DataRoot root) {
        this.dataset = dataset;
        this.root = root;
    }

    private List<String> classes() {
        return dataset.equals("fashion-mnist") ? FASHION_CLASSES : DIGITS;
    }

    LoadedDataset read(LoadOptions options) {
        Path base = root.root();
        if (!Files.isDirectory(base)) {
            throw new ResNet4jException(root.source() + ": " + dataset + " needs the directory (or zip) that holds its IDX files");
        }
        Path dir = null;
        for (String sub : List.of("", "raw", dataset, dataset + "/raw", "MNIST/raw", "FashionMNIST/raw")) {
            Path d = sub.isEmpty() ? base : base.resolve(sub);
            if (Files.isDirectory(d) && (file(d, "train-images", "idx3") != null || file(d, "t10k-images", "idx3") != null)) {
                dir = d;
                break;
            }
        }
        if (dir == null) {
            throw new ResNet4jException(root.source() + ": no " + dataset
                    + " IDX files found (expected train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz])");
        }
        ImageSet train = null;
        ImageSet test = null;
        if (options.wantTrain(file(dir, "train-images", "idx3") != null)) {
            train = readPair(dir, "train", "train");
        }
        if (options.wantTest(file(dir, "t10k-images", "idx3") != null)) {
            test = readPair(dir, "t10k", "test");
        }
        return new LoadedDataset(dataset, classes(), train, test, root.describe(dir), null);
    }

    /** {@code prefix-idxN-ubyte}, as distributed, or {@code prefix.idxN-ubyte} as some unpackers name it; gzipped or not. */
    private static Path file(Path dir, String prefix, String idx) {
        return DataRoot.firstExisting(dir, prefix + "-" + idx + "-ubyte.gz", prefix + "-" + idx + "-ubyte",
                prefix + "." + idx + "-ubyte.gz", prefix + "." + idx + "-ubyte");
    }

    private ImageSet readPair(Path dir, String prefix, String split) {
        Path imagesFile = file(dir, prefix + "-images", "idx3");
        Path labelsFile = file(dir, prefix + "-labels", "idx1");
        if (imagesFile == null || labelsFile == null) {
            throw new ResNet4jException(root.describe(dir) + ": the " + split + " split needs " + prefix + "-images-idx3-ubyte[.gz] and "
                    + prefix + "-labels-idx1-ubyte[.gz]; " + (imagesFile == null ? "the images" : "the labels") + " file is missing");
        }
        byte[] images = root.readMaybeGzipped(imagesFile);
        byte[] labelBytes = root.readMaybeGzipped(labelsFile);
        int[] dims = header(imagesFile, images, IMAGES_MAGIC, 3);
        int[] labelDims = header(labelsFile, labelBytes, LABELS_MAGIC, 1);
        if (dims[0] != labelDims[0]) {
            throw new ResNet4jException(root.describe(imagesFile) + ": image and label counts disagree: " + dims[0] + " images but "
                    + root.describe(labelsFile) + " has " + labelDims[0] + " labels");
        }
        int n = dims[0];
        int h = dims[1];
        int w = dims[2];
        byte[] pixels = new byte[n * h * w];
        System.arraycopy(images, 16, pixels, 0, pixels.length);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int l = labelBytes[8 + i] & 0xFF;
            if (l >= 10) {
                throw new ResNet4jException(root.describe(labelsFile) + ": label " + i + " is " + l + ", outside 0..9");
            }
            labels[i] = l;
        }
        return new ImageSet(split, classes(), 1, h, w, pixels, labels);
    }

    /** The dimensions in the header, after checking magic and that the data fills the file exactly. */
    private int[] header(Path file, byte[] b, int magic, int rank) {
        String name = root.describe(file);
        if (b.length < 4 + 4 * rank) {
            throw new ResNet4jException(name + ": too short for an IDX header (" + b.length + " bytes)");
        }
        int m = be32(b, 0);
        if (m != magic) {
            throw new ResNet4jException(name + ": wrong IDX magic " + String.format("0x%08x", m) + ", expected "
                    + String.format("0x%08x", magic) + " (uint8 " + (rank == 3 ? "images" : "labels") + ")");
        }
        int[] dims = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = be32(b, 4 + 4 * i);
            if (dims[i] < 0) {
                throw new ResNet4jException(name + ": negative dimension in the IDX header");
            }
            size *= dims[i];
        }
        long expected = 4 + 4L * rank + size;
        if (b.length != expected) {
            List<String> d = new ArrayList<>();
            for (int x : dims) {
                d.add(Integer.toString(x));
            }
            throw new ResNet4jException(name + ": wrong IDX size: the header says " + String.join("x", d) + " (" + expected
                    + " bytes) but the file holds " + b.length + " bytes");
        }
        return dims;
    }

    private static int be32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }
}
