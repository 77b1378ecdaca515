package org.resnet4j.eval;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.resnet4j.ResNet4jException;
import org.resnet4j.model.ResNetModel;

/**
 * Image features (embeddings) of image files: each image is prepared as for prediction and run
 * through the network up to its global average pooling ({@link ResNetModel#features}), in
 * batches; rows are L2-normalised unless raw features are asked for, so that a dot product is the
 * cosine similarity. A file that cannot be read is reported and the others are still embedded.
 */
public final class Embedder {
    /** Images per forward pass. */
    public static final int BATCH = 64;

    private final ResNetModel model;
    private final Predictor images;
    private final boolean normalize;

    /** An embedder; {@code normalize}: L2-normalise each row. */
    public Embedder(ResNetModel model, boolean normalize) {
        this.model = model;
        this.images = new Predictor(model);
        this.normalize = normalize;
    }

    /** A file that could not be embedded, and why. */
    public record Failure(Path file, String error) {}

    /**
     * The features of the embedded files, row by row ({@code files.size() x dim}, row-major), and the
     * files that failed.
     */
    public record Result(List<Path> files, float[] features, int dim, List<Failure> failures) {
        public float[] row(int i) {
            return java.util.Arrays.copyOfRange(features, i * dim, (i + 1) * dim);
        }
    }

    /** The feature length of this model. */
    public int dim() {
        return model.block().featureSize();
    }

    /**
     * Embeds every image named (folders expanded as {@link Predictor#expand} does), in order;
     * {@code progress} hears (files done, files in all) after each batch.
     */
    public Result embed(List<Path> paths, BiConsumer<Integer, Integer> progress) {
        List<Path> files = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (Path p : paths) {
            try {
                files.addAll(Predictor.expand(p));
            } catch (ResNet4jException e) {
                failures.add(new Failure(p, e.getMessage()));
            }
        }
        int dim = dim();
        List<Path> done = new ArrayList<>();
        float[] all = new float[files.size() * dim];
        List<Path> pending = new ArrayList<>();
        List<float[]> prepared = new ArrayList<>();
        int seen = 0;
        for (Path f : files) {
            seen++;
            try {
                prepared.add(input(f));
                pending.add(f);
            } catch (ResNet4jException e) {
                failures.add(new Failure(f, e.getMessage()));
            }
            if (pending.size() == BATCH || seen == files.size()) {
                if (!pending.isEmpty()) {
                    float[] rows = features(prepared);
                    System.arraycopy(rows, 0, all, done.size() * dim, rows.length);
                    done.addAll(pending);
                    pending.clear();
                    prepared.clear();
                }
                progress.accept(seen, files.size());
            }
        }
        return new Result(List.copyOf(done), java.util.Arrays.copyOf(all, done.size() * dim), dim, List.copyOf(failures));
    }

    /** The features of one image file, as a row of {@link #embed}. */
    public float[] embed(Path file) {
        return features(List.of(input(file)));
    }

    /**
     * One image file as the network's input (CHW floats). The one place that reads images: it uses
     * what prediction uses.
     */
    private float[] input(Path file) {
        return images.prepare(file);
    }

    /**
     * The features of images prepared as for prediction ({@link Predictor#prepare(byte[], String)}),
     * computed as one batch: {@code prepared.size() x dim()} floats, row-major, normalised as this
     * embedder was asked to.
     */
    public float[] features(List<float[]> prepared) {
        int n = prepared.size();
        float[] out;
        try (NDManager batch = model.manager().newSubManager()) {
            // the tensor as prediction builds it: the pipeline's layout, not a bare reshape
            out = model.features(images.toTensor(batch, prepared)).toFloatArray();
        }
        if (normalize) {
            int dim = out.length / n;
            for (int i = 0; i < n; i++) {
                normalize(out, i * dim, dim);
            }
        }
        return out;
    }

    /** Scales {@code v[from .. from+n)} to unit length (a zero row stays zero). */
    static void normalize(float[] v, int from, int n) {
        double sum = 0;
        for (int k = from; k < from + n; k++) {
            sum += (double) v[k] * v[k];
        }
        double norm = Math.sqrt(sum);
        if (norm > 1e-12) {
            for (int k = from; k < from + n; k++) {
                v[k] = (float) (v[k] / norm);
            }
        }
    }
}
