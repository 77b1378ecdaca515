package org.resnet4j.spark;

import java.io.Serializable;
import org.resnet4j.UsageException;
import org.resnet4j.model.Precision;

/**
 * How {@link ResNetSpark} runs a model: where the model directory is (any Hadoop file system URI),
 * images per forward pass, classes per image, numeric precision and whether embeddings are
 * L2-normalised. Immutable; each {@code with} method checks its value and returns a copy. The
 * images are prepared with the eval preset recorded in the model directory ({@code model.json}),
 * exactly as {@code resnet4j predict} prepares them.
 *
 * <p>Errors name the {@link PredictJob} flag of the same meaning, as the core's errors name its CLI flags.
 */
public final class InferenceOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Images per forward pass by default: what {@code resnet4j predict} and {@code embed} use. */
    public static final int DEFAULT_BATCH_SIZE = 64;
    /** Classes per image by default, as {@code resnet4j predict}. */
    public static final int DEFAULT_TOP_K = 5;

    private final String modelDir;
    private final int batchSize;
    private final int topK;
    private final Precision precision;
    private final boolean normalizeEmbeddings;

    private InferenceOptions(String modelDir, int batchSize, int topK, Precision precision, boolean normalizeEmbeddings) {
        this.modelDir = modelDir;
        this.batchSize = batchSize;
        this.topK = topK;
        this.precision = precision;
        this.normalizeEmbeddings = normalizeEmbeddings;
    }

    /** The defaults for the model directory at {@code modelDir} (e.g. {@code hdfs:///models/resnet50}, {@code s3a://...}, a local path). */
    public static InferenceOptions of(String modelDir) {
        if (modelDir == null || modelDir.isBlank()) {
            throw new UsageException("--model-dir: a model directory is needed");
        }
        return new InferenceOptions(modelDir, DEFAULT_BATCH_SIZE, DEFAULT_TOP_K, Precision.FP32, true);
    }

    /** Images per forward pass (at least 1). */
    public InferenceOptions withBatchSize(int n) {
        if (n < 1) {
            throw new UsageException("--batch-size: must be at least 1, not " + n);
        }
        return new InferenceOptions(modelDir, n, topK, precision, normalizeEmbeddings);
    }

    /** Classes kept per image in {@code top_k} (at least 1). */
    public InferenceOptions withTopK(int k) {
        if (k < 1) {
            throw new UsageException("--top: must be at least 1, not " + k);
        }
        return new InferenceOptions(modelDir, batchSize, k, precision, normalizeEmbeddings);
    }

    /**
     * The arithmetic: fp32 (default) or bf16, bfloat16 mixed precision as {@code resnet4j predict
     * --precision bf16} computes it; an executor whose CPU lacks bfloat16 arithmetic logs one warning
     * and computes in fp32.
     */
    public InferenceOptions withPrecision(String p) {
        return new InferenceOptions(modelDir, batchSize, topK, Precision.parse(p), normalizeEmbeddings);
    }

    /** Whether embeddings are scaled to unit length (default, as {@code resnet4j embed}; false: as {@code --raw}). */
    public InferenceOptions withNormalizedEmbeddings(boolean normalize) {
        return new InferenceOptions(modelDir, batchSize, topK, precision, normalize);
    }

    public String modelDir() {
        return modelDir;
    }

    public int batchSize() {
        return batchSize;
    }

    public int topK() {
        return topK;
    }

    public Precision precision() {
        return precision;
    }

    public boolean normalizeEmbeddings() {
        return normalizeEmbeddings;
    }
}
