package org.resnet4j.eval;

import ai.djl.ndarray.NDArray;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;

import org.resnet4j.dataset.Batch;
import org.resnet4j.dataset.BatchLoader;
import org.resnet4j.dataset.Pipeline;
import org.resnet4j.dataset.Samples;
import org.resnet4j.model.ResNetModel;

/**
 * Runs a model over a labelled image set in inference mode (BN running statistics) and reports how
 * it did. Images are prepared by the model's test pipeline ({@link ModelPipeline}: its preset, input
 * size and normalisation), so exactly as its training's validation prepared them; with ten-crop
 * testing (the paper's Table 3) the softmax of the 10 views is averaged. Other class lists are an error.
 */
public final class Evaluator {
    public static final int DEFAULT_BATCH_SIZE = 128;

    private Evaluator() {}

    /**
     * Evaluates {@code model} on {@code set}. {@code what} names the set in error messages, e.g.
     * {@code "--dataset cifar10"}.
     */
    public static ClassificationReport evaluate(ResNetModel model, Samples set, int batchSize, String what) {
        return evaluate(model, set, batchSize, what, false);
    }

    /** With {@code tenCrop}, each image scores the mean softmax of its ten crops; a batch holds {@code batchSize} crops. */
    public static ClassificationReport evaluate(ResNetModel model, Samples set, int batchSize, String what, boolean tenCrop) {
        if (batchSize < 1) {
            throw new UsageException("--batch-size: must be at least 1, not " + batchSize);
        }
        int[] labelMap = labelMap(model.classes(), set.classes(), what);
        List<String> names = isDefaultNames(model.classes()) ? set.classes() : model.classes();
        ClassificationReport.Accumulator acc = ClassificationReport.accumulator(names);
        if (set.size() == 0) {
            return acc.report();
        }
        Pipeline pipeline = ModelPipeline.of(model, tenCrop);
        int views = pipeline.views();
        int workers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        try (BatchLoader loader = new BatchLoader(set, pipeline, Math.max(1, batchSize / views), false, false, 0L, 0,
                model.manager(), workers)) {
            while (loader.hasNext()) {
                try (Batch batch = loader.next()) {
                    long[] raw = batch.labels().toLongArray();
                    int[] labels = new int[batch.size()];
                    for (int i = 0; i < labels.length; i++) {
                        labels[i] = labelMap[(int) raw[i]];
                    }
                    try (NDArray logits = model.logits(batch.images())) {
                        float[] scores = logits.toFloatArray();
                        acc.add(views == 1 ? scores : averageViews(scores, batch.size(), views, model.classes().size()), labels,
                                batch.size());
                    }
                }
            }
        }
        return acc.report();
    }

    /**
     * The log of the mean softmax over each image's {@code views} consecutive rows of logits: scores
     * whose softmax is that mean (so top-k and the loss follow from it).
     */
    static float[] averageViews(float[] logits, int images, int views, int classes) {
        float[] out = new float[images * classes];
        double[] mean = new double[classes];
        for (int i = 0; i < images; i++) {
            java.util.Arrays.fill(mean, 0);
            for (int v = 0; v < views; v++) {
                int off = (i * views + v) * classes;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < classes; j++) {
                    max = Math.max(max, logits[off + j]);
                }
                double sum = 0;
                for (int j = 0; j < classes; j++) {
                    sum += Math.exp(logits[off + j] - max);
                }
                for (int j = 0; j < classes; j++) {
                    mean[j] += Math.exp(logits[off + j] - max) / sum / views;
                }
            }
            for (int j = 0; j < classes; j++) {
                out[i * classes + j] = (float) Math.log(Math.max(mean[j], Double.MIN_NORMAL));
            }
        }
        return out;
    }

    /**
     * For each dataset label, the model's output index: identity when the names agree or the model
     * has only default names ("0", "1", ...), a permutation when both hold the same names in
     * another order, an error otherwise.
     */
    static int[] labelMap(List<String> modelClasses, List<String> dataClasses, String what) {
        if (modelClasses.size() != dataClasses.size()) {
            throw new ResNet4jException(what + " has " + dataClasses.size() + " classes but the model has "
                    + modelClasses.size() + " (" + abbreviate(modelClasses) + ")");
        }
        int[] map = new int[dataClasses.size()];
        if (modelClasses.equals(dataClasses) || isDefaultNames(modelClasses)) {
            for (int i = 0; i < map.length; i++) {
                map[i] = i;
            }
            return map;
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < modelClasses.size(); i++) {
            index.put(modelClasses.get(i), i);
        }
        for (int i = 0; i < dataClasses.size(); i++) {
            Integer m = index.get(dataClasses.get(i));
            if (m == null) {
                throw new ResNet4jException(what + " has class '" + dataClasses.get(i) + "' which the model does not know"
                        + " (its classes: " + abbreviate(modelClasses) + ")");
            }
            map[i] = m;
        }
        return map;
    }

    /** The names a model gets when none were given: "0", "1", ... */
    static boolean isDefaultNames(List<String> classes) {
        for (int i = 0; i < classes.size(); i++) {
            if (!classes.get(i).equals(Integer.toString(i))) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 4)) + ", ... " + names.get(names.size() - 1);
    }
}
