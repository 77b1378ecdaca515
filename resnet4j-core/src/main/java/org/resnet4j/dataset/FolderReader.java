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
 * name; files within a class are read in name order. Either every image is decoded once, in
 * parallel, into one fixed-size {@link ImageSet} (all of one size, or resized to
 * {@link LoadOptions#size()}), or, {@link LoadOptions#indexed()}, the files are only listed
 * ({@link ImageFiles}) and decoded batch by batch.
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
        List<Entry> trainEntries = wantTrain ? entries(trainDir, classes) : null;
        List<Entry> testEntries = wantTest ? entries(testDir, classes) : null;
        if (options.indexed()) {
            return index(options, classes, trainEntries, testEntries, base);
        }
        ImageSet train = wantTrain ? decode(trainEntries, trainDir, "train", classes, options) : null;
        ImageSet test = wantTest ? decode(testEntries, testDir, "test", classes, options) : null;
        if (train != null && test != null && (train.height() != test.height() || train.width() != test.width())) {
            throw new MixedSizesException(root.describe(base) + ": train images are " + train.width() + "x" + train.height()
                    + " but test images are " + test.width() + "x" + test.height() + "; " + MIXED_SIZES_HINT);
        }
        if (options.channels() == 0 && train != null && test != null && train.channels() != test.channels()) {
            train = Channels.convert(train, 3);
            test = Channels.convert(test, 3);
        }
        return new LoadedDataset("folder", classes, train, test, root.describe(base), null);
    }

    /** What to do about images of different sizes. */
    static final String MIXED_SIZES_HINT = "for photos of different sizes give --input CxHxW (e.g. --input 3x224x224) "
            + "to resize them, or --preset imagenet to train on random crops of them";

    private LoadedDataset index(LoadOptions options, List<String> classes, List<Entry> train, List<Entry> test, Path base) {
        List<String> names = new ArrayList<>();
        for (List<Entry> split : java.util.Arrays.asList(train, test)) {
            if (split != null) {
                split.forEach(e -> names.add(relative(base, e.file)));
            }
        }
        FileStore store = root.isZip() ? new FileStore(root.source(), true, names, budget(options))
                : new FileStore(base, false, names, budget(options));
        int next = 0;
        ImageFiles trainFiles = null;
        ImageFiles testFiles = null;
        if (train != null) {
            trainFiles = files("train", classes, store, next, train, options.skipBad());
            next += train.size();
        }
        if (test != null) {
            testFiles = files("test", classes, store, next, test, options.skipBad());
        }
        return new LoadedDataset("folder", classes, trainFiles, testFiles, root.describe(base), null);
    }

    private static long budget(LoadOptions options) {
        return options.cacheBytes() < 0 ? FileStore.defaultBudget() : options.cacheBytes();
    }

    private static ImageFiles files(String name, List<String> classes, FileStore store, int first, List<Entry> entries,
            boolean skipBad) {
        int[] ids = new int[entries.size()];
        int[] labels = new int[entries.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = first + i;
            labels[i] = entries.get(i).label;
        }
        return new ImageFiles(name, classes, store, ids, labels, skipBad);
    }

    /** A file's path inside the zip (its entry name) or under the data set's directory. */
    private String relative(Path base, Path file) {
        if (root.isZip()) {
            String s = file.toString();
            return s.startsWith("/") ? s.substring(1) : s;
        }
        return base.relativize(file).toString();
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

    /** The split's image files, by label, then name. */
    private List<Entry> entries(Path splitDir, List<String> classes) {
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
        return entries;
    }

    private ImageSet decode(List<Entry> entries, Path splitDir, String split, List<String> classes, LoadOptions options) {
        Object[] decoded = decodeAll(entries, options.size());
        List<Integer> good = new ArrayList<>();
        for (int i = 0; i < decoded.length; i++) {
            if (decoded[i] instanceof Picture) {
                good.add(i);
            } else if (!options.skipBad()) {
                throw new ResNet4jException(root.describe(entries.get(i).file) + ": " + decoded[i] + "; use --skip-bad to skip such images");
            }
        }
        int skipped = decoded.length - good.size();
        if (skipped > 0) {
            LOG.warn("skipped {} undecodable image(s) in {}", skipped, root.describe(splitDir));
        }
        if (good.isEmpty()) {
            throw new ResNet4jException(root.describe(splitDir) + ": no decodable images");
        }
        Picture first = (Picture) decoded[good.get(0)];
        int channels = options.channels() != 0 ? options.channels()
                : good.stream().allMatch(i -> ((Picture) decoded[i]).channels() == 1) ? 1 : 3;
        int imageBytes = first.height() * first.width() * channels;
        byte[] pixels = new byte[good.size() * imageBytes];
        int[] labels = new int[good.size()];
        for (int k = 0; k < good.size(); k++) {
            Picture d = (Picture) decoded[good.get(k)];
            if (d.height() != first.height() || d.width() != first.width()) {
                throw new MixedSizesException(root.describe(entries.get(good.get(k)).file) + ": image is " + d.width() + "x" + d.height()
                        + " but " + root.describe(entries.get(good.get(0)).file) + " is " + first.width() + "x" + first.height()
                        + "; " + MIXED_SIZES_HINT);
            }
            System.arraycopy(Channels.convert(d.bytes(), d.channels(), channels), 0, pixels, k * imageBytes, imageBytes);
            labels[k] = entries.get(good.get(k)).label;
        }
        return new ImageSet(split, classes, channels, first.height(), first.width(), pixels, labels);
    }

    /**
     * Reads and decodes every image on a small pool (each resized to {@code size} when given): a
     * {@link Picture}, or the reason it did not decode.
     */
    private Object[] decodeAll(List<Entry> entries, int[] size) {
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        Object[] out = new Object[entries.size()];
        Decoder decoder = Decoders.best();
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
                        try {
                            Picture p = decoder.decode(root.read(entries.get(i).file));
                            out[i] = size == null || (p.height() == size[0] && p.width() == size[1]) ? p
                                    : Resampler.resize(p, size[0], size[1]);
                        } catch (ImageDecodeException e) {
                            out[i] = e.getMessage();
                        }
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
