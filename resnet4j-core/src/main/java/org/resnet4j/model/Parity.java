package org.resnet4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.resnet4j.ResNet4jException;
import org.resnet4j.util.Json;

/**
 * Checks that ResNet4J computes what PyTorch computes: loads a directory written by
 * {@code bench/parity/export.py} (weights.npz, input.npy, logits.npy, meta.json), runs the same
 * input in inference mode and compares the logits.
 */
public final class Parity {
    /** Relative tolerance: max |difference| over max |PyTorch logit|. */
    public static final double TOLERANCE = 1e-4;

    /** The comparison for one network. */
    public record Result(String model, double maxAbsDiff, double maxAbsLogit, int sameTop1, int batch) {
        public double relative() {
            return maxAbsDiff / Math.max(maxAbsLogit, Float.MIN_NORMAL);
        }

        public boolean passed() {
            return sameTop1 == batch && relative() <= TOLERANCE;
        }

        public String describe() {
            return String.format(Locale.ROOT, "%-18s max |diff| %.3g of max |logit| %.3g (relative %.2g), top-1 %d/%d: %s",
                    model, maxAbsDiff, maxAbsLogit, relative(), sameTop1, batch, passed() ? "OK" : "FAIL");
        }
    }

    private Parity() {}

    public static Result check(Path dir) {
        return check(dir, dir.resolve("weights.npz"), dir.resolve("logits.npy"));
    }

    /**
     * The same check with other weights of the exported network (any file {@link WeightsFile} reads:
     * e.g. a torch.save checkpoint) and the logits PyTorch computed from them.
     */
    public static Result check(Path dir, Path weights, Path logits) {
        HostTensor input = input(dir);
        HostTensor expected = WeightsFile.readNpy(readAll(logits), logits.toString());
        String name = meta(dir).get("model").getAsString();
        try (ResNetModel model = ResNetModel.fromWeights(model(dir, input.shape()), WeightsFile.read(weights),
                weights.toString())) {
            NDArray x = model.manager().create(input.data(), new Shape(input.shape()));
            float[] actual = model.logits(x).toFloatArray();
            int batch = (int) expected.shape()[0];
            int classes = (int) expected.shape()[1];
            double maxDiff = 0;
            double maxLogit = 0;
            int same = 0;
            for (int i = 0; i < batch; i++) {
                int a = 0;
                int e = 0;
                for (int c = 0; c < classes; c++) {
                    int k = i * classes + c;
                    maxDiff = Math.max(maxDiff, Math.abs(actual[k] - expected.data()[k]));
                    maxLogit = Math.max(maxLogit, Math.abs(expected.data()[k]));
                    a = actual[k] > actual[i * classes + a] ? c : a;
                    e = expected.data()[k] > expected.data()[i * classes + e] ? c : e;
                }
                same += a == e ? 1 : 0;
            }
            return new Result(name, maxDiff, maxLogit, same, batch);
        }
    }

    /** The exported network with PyTorch's weights and BN statistics, sized for {@code input} (see {@link #input}). */
    public static ResNetModel load(Path dir, HostTensor input) {
        return ResNetModel.fromWeights(model(dir, input.shape()), WeightsFile.read(dir.resolve("weights.npz")),
                dir + "/weights.npz");
    }

    /** The exported batch of images (input.npy). */
    public static HostTensor input(Path dir) {
        return WeightsFile.readNpy(readAll(dir.resolve("input.npy")), dir + "/input.npy");
    }

    /** meta.json: the model's name and shortcut, PyTorch's versions; with --grads the labels and loss. */
    public static JsonObject meta(Path dir) {
        return Json.read(dir.resolve("meta.json"), JsonObject.class);
    }

    private static ResNetSpec model(Path dir, long[] shape) {
        JsonObject meta = meta(dir);
        ResNetSpec spec = ResNets.spec(meta.get("model").getAsString());
        if (meta.has("shortcut") && !meta.get("shortcut").isJsonNull() && spec.shortcut() != Shortcut.NONE) {
            spec = spec.withShortcut(Shortcut.parse(meta.get("shortcut").getAsString()));
        }
        return spec.withInput((int) shape[1], (int) shape[2], (int) shape[3]);
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + file + ": " + org.resnet4j.util.AtomicFiles.describe(e), e);
        }
    }
}
