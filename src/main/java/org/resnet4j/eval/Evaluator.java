package org.resnet4j.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.dataset.Augmentation;
import org.resnet4j.dataset.Batch;
import org.resnet4j.dataset.BatchLoader;
import org.resnet4j.dataset.ImageSet;
import org.resnet4j.dataset.Normalization;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNetSpec;

/**
 * Runs a model over a labelled image set in inference mode (BN running statistics), with the
 * normalisation stored in the model, and reports how it did. Batches come from the data
 * package's {@link BatchLoader} (no shuffling, no augmentation), so images are prepared exactly as
 * training's validation prepared them; images of another size than the model's input are
 * bilinearly resized. Other channel counts or class lists are an error.
 */
public final class Evaluator {
    public static final int DEFAULT_BATCH_SIZE = 128;

    private Evaluator() {}

    /**
     * Evaluates {@code model} on {@code set}. {@code what} names the set in error messages, e.g.
     * {@code "--dataset cifar10"}.
     */
    public static ClassificationReport evaluate(ResNetModel model, ImageSet set, int batchSize, String what) {
        return evaluate(model, set, batchSize, what, false);
    }

    /** {@code direct}: skip the BatchLoader and resize with {@link ModelInput} (for tests of their agreement). */
    static ClassificationReport evaluate(ResNetModel model, ImageSet set, int batchSize, String what, boolean direct) {
        if (batchSize < 1) {
            throw new UsageException("--batch-size: must be at least 1, not " + batchSize);
        }
        checkShape(model.spec(), set, what);
        int[] labelMap = labelMap(model.classes(), set.classes(), what);
        List<String> names = isDefaultNames(model.classes()) ? set.classes() : model.classes();
        ClassificationReport.Accumulator acc = ClassificationReport.accumulator(names);
        if (set.size() == 0) {
            return acc.report();
        }
        ResNetSpec spec = model.spec();
        boolean sameSize = set.height() == spec.inputHeight() && set.width() == spec.inputWidth();
        Normalization norm = model.normalization();
        boolean normFits = norm == null || !Normalization.PER_PIXEL.equals(norm.mode())
                || (norm.shape()[1] == set.height() && norm.shape()[2] == set.width());
        if (!direct && (sameSize || spec.inputHeight() == spec.inputWidth()) && normFits) {
            Augmentation aug = sameSize ? Augmentation.none() : new Augmentation(0, false, spec.inputHeight());
            int workers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
            try (BatchLoader loader = new BatchLoader(set, norm, aug, batchSize, false, false, 0L, 0, model.manager(),
                    workers)) {
                while (loader.hasNext()) {
                    try (Batch batch = loader.next()) {
                        long[] raw = batch.labels().toLongArray();
                        int[] labels = new int[batch.size()];
                        for (int i = 0; i < labels.length; i++) {
                            labels[i] = labelMap[(int) raw[i]];
                        }
                        try (NDArray logits = model.logits(batch.images())) {
                            acc.add(logits.toFloatArray(), labels, batch.size());
                        }
                    }
                }
            }
            return acc.report();
        }
        // A per-pixel mean of another size than these images, or a non-square input to resize to:
        // resize the pixels to the model's input first, and the mean with them.
        ModelInput input = new ModelInput(spec.inputChannels(), spec.inputHeight(), spec.inputWidth(), norm);
        int n = set.size();
        int imageBytes = set.imageBytes();
        float[] buffer = new float[Math.min(batchSize, n) * input.size()];
        int[] labels = new int[Math.min(batchSize, n)];
        for (int start = 0; start < n; start += batchSize) {
            int b = Math.min(batchSize, n - start);
            for (int i = 0; i < b; i++) {
                input.prepare(set.pixels(), (start + i) * imageBytes, set.channels(), set.height(), set.width(), buffer,
                        i * input.size());
                labels[i] = labelMap[set.label(start + i)];
            }
            try (NDManager batch = model.manager().newSubManager()) {
                float[] data = b * input.size() == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, b * input.size());
                NDArray images = batch.create(data,
                        new Shape(b, spec.inputChannels(), spec.inputHeight(), spec.inputWidth()));
                acc.add(model.logits(images).toFloatArray(), labels, b);
            }
        }
        return acc.report();
    }

    /** Same channel count as the model wants; the size may differ (images are resized). */
    static void checkShape(ResNetSpec spec, ImageSet set, String what) {
        if (set.channels() != spec.inputChannels()) {
            throw new ResNet4jException(what + " has " + set.channels() + "-channel " + set.height() + "x" + set.width()
                    + " images but the model wants " + spec.inputChannels() + "x" + spec.inputHeight() + "x"
                    + spec.inputWidth());
        }
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
