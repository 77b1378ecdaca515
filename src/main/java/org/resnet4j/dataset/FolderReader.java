package org.resnet4j.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.resnet4j.ResNet4jException;
import org.resnet4j.util.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images in one folder per class: {@code train/<class>/*} and {@code test/<class>/*} (JPEG, PNG,
 * BMP), in a directory or read in place from a zip. Classes are the training folders sorted by
 * name; files within a class are read in name order. Images are decoded once, in parallel.
 */
final class FolderReader {
    private static final Logger LOG = LoggerFactory.getLogger(FolderReader.class);
    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp");

    private record Entry(Path file, int label) {}

    private final DataRoot root;

    FolderReader(DataRoot root) {
        this.root = root;
    }

    LoadedDataset read(LoadOptions options) {
        Path base = datasetDir(root.root());
        Path trainDir = base.resolve("train");
        Path testDir = base.resolve("test");
        boolean hasTrain = Files.isDirectory(trainDir);
        boolean hasTest = Files.isDirectory(testDir);
        if (!hasTrain && !hasTest) {
            throw new ResNet4jException(root.describe(base) + ": no train/ or test/ folder (expected train/<class>/*.jpg and test/<class>/*.jpg)");
        }
        boolean wantTrain = options.wantTrain(hasTrain);
        boolean wantTest = options.wantTest(hasTest);
        requireSplit(wantTrain, hasTrain, trainDir);
        requireSplit(wantTest, hasTest, testDir);
        List<String> classes = classFolders(hasTrain ? trainDir : testDir);
        if (hasTrain && hasTest) {
            for (String c : classFolders(testDir)) {
                if (!classes.contains(c)) {
                    throw new ResNet4jException(root.describe(testDir.resolve(c)) + ": class '" + c + "' has no folder under train/");
                }
            }
        }
        ImageSet train = wantTrain ? readSplit(trainDir, "train", classes, options) : null;
        ImageSet test = wantTest ? readSplit(testDir, "test", classes, options) : null;
        if (train != null && test != null && (train.height() != test.height() || train.width() != test.width())) {
            throw new ResNet4jException(root.describe(base) + ": train images are " + train.width() + "x" + train.height()
                    + " but test images are " + test.width() + "x" + test.height());
        }
        if (options.channels() == 0 && train != null && test != null && train.channels() != test.channels()) {
            train = Channels.convert(train, 3);
            test = Channels.convert(test, 3);
        }
        return new LoadedDataset("folder", classes, train, test, root.describe(base), null);
    }

    private void requireSplit(boolean wanted, boolean present, Path dir) {
        if (wanted && !present) {
            throw new ResNet4jException(root.describe(dir) + ": no such folder; this command needs that split");
        }
    }

    /** The root, or its single top-level folder when a zip was made of the folder itself. */
    private Path datasetDir(Path top) {
        if (!Files.isDirectory(top)) {
            throw new ResNet4jException(root.source() + ": the folder dataset needs a directory or a zip with train/<class>/ and test/<class>/");
        }
        if (Files.isDirectory(top.resolve("train")) || Files.isDirectory(top.resolve("test"))) {
            return top;
        }
        List<Path> dirs = list(top).stream().filter(Files::isDirectory).filter(p -> !hidden(p)).toList();
        return dirs.size() == 1 ? dirs.get(0) : top;
    }

    private List<String> classFolders(Path splitDir) {
        List<String> names = list(splitDir).stream().filter(Files::isDirectory).filter(p -> !hidden(p))
                .map(FolderReader::name).sorted().toList();
        if (names.isEmpty()) {
            throw new ResNet4jException(root.describe(splitDir) + ": no class folders");
        }
        return names;
    }

    private ImageSet readSplit(Path splitDir, String split, List<String> classes, LoadOptions options) {
        List<Entry> entries = new ArrayList<>();
        for (Path classDir : list(splitDir).stream().filter(Files::isDirectory).filter(p -> !hidden(p)).toList()) {
            int label = classes.indexOf(name(classDir));
            List<Path> images = list(classDir).stream().filter(Files::isRegularFile).filter(FolderReader::isImage)
                    .sorted((a, b) -> name(a).compareTo(name(b))).toList();
            if (images.isEmpty()) {
                throw new ResNet4jException(root.describe(classDir) + ": empty class folder (no JPEG, PNG or BMP images)");
            }
            images.forEach(p -> entries.add(new Entry(p, label)));
        }
        entries.sort((a, b) -> a.label != b.label ? Integer.compare(a.label, b.label) : name(a.file).compareTo(name(b.file)));
        ImageDecoder.Decoded[] decoded = decodeAll(entries);
        List<Integer> good = new ArrayList<>();
        for (int i = 0; i < decoded.length; i++) {
            if (decoded[i] != null) {
                good.add(i);
            } else if (!options.skipBad()) {
                Path f = entries.get(i).file;
                throw new ResNet4jException(root.describe(f) + ": " + (size(f) == 0 ? "empty image file" : "cannot decode this image (not a valid JPEG, PNG or BMP)")
                        + "; use --skip-bad to skip such images");
            }
        }
        int skipped = decoded.length - good.size();
        if (skipped > 0) {
            LOG.warn("skipped {} undecodable image(s) in {}", skipped, root.describe(splitDir));
        }
        if (good.isEmpty()) {
            throw new ResNet4jException(root.describe(splitDir) + ": no decodable images");
        }
        ImageDecoder.Decoded first = decoded[good.get(0)];
        int channels = options.channels() != 0 ? options.channels()
                : good.stream().allMatch(i -> decoded[i].channels() == 1) ? 1 : 3;
        int imageBytes = first.height() * first.width() * channels;
        byte[] pixels = new byte[good.size() * imageBytes];
        int[] labels = new int[good.size()];
        for (int k = 0; k < good.size(); k++) {
            ImageDecoder.Decoded d = decoded[good.get(k)];
            if (d.height() != first.height() || d.width() != first.width()) {
                throw new ResNet4jException(root.describe(entries.get(good.get(k)).file) + ": image is " + d.width() + "x" + d.height()
                        + " but " + root.describe(entries.get(good.get(0)).file) + " is " + first.width() + "x" + first.height()
                        + "; all images of a folder dataset must have the same size");
            }
            System.arraycopy(Channels.convert(d.pixels(), d.channels(), channels), 0, pixels, k * imageBytes, imageBytes);
            labels[k] = entries.get(good.get(k)).label;
        }
        return new ImageSet(split, classes, channels, first.height(), first.width(), pixels, labels);
    }

    /** Reads and decodes every image on a small pool; a null entry is an undecodable image. */
    private ImageDecoder.Decoded[] decodeAll(List<Entry> entries) {
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        ImageDecoder.Decoded[] out = new ImageDecoder.Decoded[entries.size()];
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "resnet4j-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> parts = new ArrayList<>();
            int chunk = Math.max(64, entries.size() / (threads * 8) + 1);
            for (int start = 0; start < entries.size(); start += chunk) {
                int from = start;
                int to = Math.min(entries.size(), start + chunk);
                parts.add(pool.submit(() -> {
                    for (int i = from; i < to; i++) {
                        byte[] bytes = root.read(entries.get(i).file);
                        out[i] = bytes.length == 0 ? null : ImageDecoder.decode(bytes);
                    }
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResNet4jException("interrupted while decoding " + root.source());
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    private List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new ResNet4jException("cannot list " + root.describe(dir) + ": " + AtomicFiles.describe(e), e);
        }
    }

    private long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String name(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }

    private static boolean hidden(Path p) {
        String n = name(p);
        return n.startsWith(".") || n.equals("__MACOSX");
    }

    private static boolean isImage(Path p) {
        String n = name(p).toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && EXTENSIONS.stream().anyMatch(n::endsWith);
    }
}
