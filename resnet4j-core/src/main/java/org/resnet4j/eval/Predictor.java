package org.resnet4j.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.dataset.Decoders;
import org.resnet4j.dataset.ImageDecodeException;
import org.resnet4j.dataset.Picture;
import org.resnet4j.dataset.Pipeline;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.util.AtomicFiles;

/**
 * Classifies image files with a model: each image (any size; JPEG, PNG, BMP or GIF) goes through
 * the model's test pipeline ({@link ModelPipeline}, the road evaluation takes: decode, the preset's
 * resize and crop, normalisation as in training) and is scored in inference mode; the top K classes
 * come back with their softmax probabilities. A file that cannot be read gets an error of its own
 * and the others are still predicted.
 */
public final class Predictor {
    /** The input name that means standard input. */
    public static final String STDIN = "-";
    /** File name endings taken from a folder. */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");
    private static final int BATCH = 64;

    private final ResNetModel model;
    private final Pipeline pipeline;

    public Predictor(ResNetModel model) {
        this.model = model;
        this.pipeline = ModelPipeline.of(model, false);
    }

    /** A class and its probability. */
    public record ClassProbability(String className, double probability) {}

    /** One file's outcome: its predictions, or the error that prevented them. */
    public record Result(Path file, List<ClassProbability> predictions, String error) {
        public boolean failed() {
            return error != null;
        }
    }

    /** Predicts every image named (folders expanded), in order; never throws for a bad file. */
    public List<Result> predict(List<Path> paths, int k) {
        if (k < 1) {
            throw new UsageException("--top: must be at least 1, not " + k);
        }
        List<Result> results = new ArrayList<>();
        List<Path> pending = new ArrayList<>();
        List<float[]> prepared = new ArrayList<>();
        for (Path p : paths) {
            List<Path> files;
            try {
                files = expand(p);
            } catch (ResNet4jException e) {
                flush(pending, prepared, k, results);
                results.add(new Result(p, null, e.getMessage()));
                continue;
            }
            for (Path f : files) {
                try {
                    float[] x = prepare(f);
                    pending.add(f);
                    prepared.add(x);
                    if (pending.size() == BATCH) {
                        flush(pending, prepared, k, results);
                    }
                } catch (ResNet4jException e) {
                    flush(pending, prepared, k, results);
                    results.add(new Result(f, null, e.getMessage()));
                }
            }
        }
        flush(pending, prepared, k, results);
        return results;
    }

    /** The top {@code k} classes for one image. */
    public List<ClassProbability> predict(BufferedImage image, int k) {
        List<ClassProbability> top = classify(List.of(prepare(image)), k).get(0);
        if (top.isEmpty()) {
            throw new ResNet4jException(NOT_FINITE);
        }
        return top;
    }

    /** The error of an image whose scores are not numbers. */
    public static final String NOT_FINITE = "the model's output for this image is not a number (NaN or infinite); "
            + "the model is broken";

    /**
     * A file as itself; a folder as the image files under it (jpg, jpeg, png, bmp, gif; recursive,
     * sorted by path); {@code -} as standard input. A missing path or a folder without images is an error.
     */
    public static List<Path> expand(Path p) {
        if (p.toString().equals(STDIN)) {
            return List.of(p);
        }
        if (!Files.exists(p)) {
            throw new ResNet4jException(p + ": no such file or directory");
        }
        if (!Files.isDirectory(p)) {
            return List.of(p);
        }
        try (Stream<Path> walk = Files.walk(p)) {
            List<Path> files = walk.filter(Files::isRegularFile).filter(Predictor::isImageName)
                    .sorted(Comparator.comparing(Path::toString)).toList();
            if (files.isEmpty()) {
                throw new ResNet4jException(p + ": no images (" + String.join(", ", IMAGE_EXTENSIONS.stream().sorted().toList())
                        + ") in this folder");
            }
            return files;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ResNet4jException("cannot list " + p + ": " + AtomicFiles.describe(e), e);
        }
    }

    static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(n.substring(dot + 1));
    }

    /**
     * Reads a file ({@code -}: standard input) and prepares it as model input. The bytes are read
     * as a stream, so pipes and /dev/stdin work too.
     */
    float[] prepare(Path file) {
        byte[] bytes;
        try {
            bytes = file.toString().equals(STDIN) ? System.in.readAllBytes() : Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ResNet4jException(file + ": cannot read image (" + AtomicFiles.describe(e) + ")", e);
        }
        return prepare(bytes, file.toString());
    }

    /**
     * The bytes of an image file (JPEG, PNG, BMP or GIF) prepared as model input, as {@link #predict}
     * prepares files: for callers that hold the bytes, not a file (the Spark module). A bad image
     * throws a {@link ResNet4jException} whose message starts with {@code name}.
     */
    public float[] prepare(byte[] bytes, String name) {
        float[] x = new float[pipeline.outFloats()];
        try {
            pipeline.apply(bytes, Decoders.best(), new SplittableRandom(0), x, 0);
        } catch (ImageDecodeException e) {
            throw new ResNet4jException(name + ": " + e.getMessage(), e);
        }
        return x;
    }

    float[] prepare(BufferedImage image) {
        float[] x = new float[pipeline.outFloats()];
        pipeline.apply(Picture.of(image), new SplittableRandom(0), x, 0);
        return x;
    }

    private void flush(List<Path> files, List<float[]> prepared, int k, List<Result> results) {
        if (files.isEmpty()) {
            return;
        }
        List<List<ClassProbability>> top = classify(prepared, k);
        for (int i = 0; i < files.size(); i++) {
            results.add(top.get(i).isEmpty() ? new Result(files.get(i), null, files.get(i) + ": " + NOT_FINITE)
                    : new Result(files.get(i), top.get(i), null));
        }
        files.clear();
        prepared.clear();
    }

    /**
     * The top {@code k} classes of images {@link #prepare prepared} by this predictor, scored as one
     * batch; an empty list for an image whose scores are not finite (its error: {@link #NOT_FINITE}).
     */
    public List<List<ClassProbability>> classify(List<float[]> prepared, int k) {
        if (k < 1) {
            throw new UsageException("--top: must be at least 1, not " + k);
        }
        return scores(prepared, k).stream().map(top -> top == null ? List.<ClassProbability>of() : top).toList();
    }

    /** Prepared images (from {@link #prepare}) as one batch tensor in the network's layout. */
    NDArray toTensor(NDManager batch, List<float[]> prepared) {
        int n = prepared.size();
        int size = pipeline.outFloats();
        float[] data = new float[n * size];
        for (int i = 0; i < n; i++) {
            System.arraycopy(prepared.get(i), 0, data, i * size, size);
        }
        return pipeline.toTensor(batch, data, n);
    }

    private List<List<ClassProbability>> scores(List<float[]> prepared, int k) {
        int n = prepared.size();
        float[] logits;
        try (NDManager batch = model.manager().newSubManager()) {
            logits = model.logits(toTensor(batch, prepared)).toFloatArray();
        }
        int classes = model.spec().classes();
        List<List<ClassProbability>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] row = Arrays.copyOfRange(logits, i * classes, (i + 1) * classes);
            boolean finite = true;
            for (float v : row) {
                finite &= Float.isFinite(v);
            }
            out.add(finite ? topK(softmax(row), model.classes(), k) : null); // null: no probabilities to give
        }
        return out;
    }

    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    static List<ClassProbability> topK(double[] p, List<String> names, int k) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        List<ClassProbability> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, p.length); i++) {
            out.add(new ClassProbability(names.get(order[i]), p[order[i]]));
        }
        return out;
    }
}
