package org.resnet4j.train;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.dataset.Normalization;
import org.resnet4j.dataset.NormalizationSpec;
import org.resnet4j.dataset.Preset;
import org.resnet4j.dataset.Samples;
import org.resnet4j.model.HostTensor;
import org.resnet4j.model.ModelMetadata;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNetSpec;
import org.resnet4j.model.WeightsFile;
import org.resnet4j.util.Json;
import org.resnet4j.util.Sha256;

/**
 * The parent of a fine-tuning run ({@code --init-from}): a model directory, a run directory (its
 * {@code model/}) or a weights file ({@link WeightsFile}: a PyTorch checkpoint, .npz,
 * .safetensors). It seeds the new network with its weights, replacing the classifier with a fresh
 * one when the classes differ; a model directory also gives the architecture and the input
 * normalisation the run defaults to ({@link #settings}). What the parent was is recorded in the run
 * directory ({@value #RECORD}), so a resume needs neither the parent nor its weights again, and in
 * the model's provenance.
 */
public final class FineTuning {
    /** The record of the parent in a run directory. */
    public static final String RECORD = "parent.json";
    /** The {@code --normalization} value that means the parent's normalisation. */
    public static final String PARENT = "parent";
    private static final String HEAD = "fc.";

    private final String source;
    private final Path weights;
    private final String kind;
    private final ResNetSpec spec;
    private final List<String> classes;
    private final Normalization normalization;
    private final JsonObject parentSource;
    private String sha256;
    /** A model directory's image preset (null for a weights file). */
    private String preset;

    private FineTuning(String source, Path weights, String kind, ResNetSpec spec, List<String> classes,
            Normalization normalization, JsonObject parentSource, String sha256) {
        this.source = source;
        this.weights = weights;
        this.kind = kind;
        this.spec = spec;
        this.classes = classes;
        this.normalization = normalization;
        this.parentSource = parentSource;
        this.sha256 = sha256;
    }

    /** The parent {@code source} names (its metadata only; the weights are read by {@link #initialize}). */
    public static FineTuning open(String source) {
        Path p = Path.of(source);
        if (!Files.exists(p)) {
            throw new ResNet4jException("--init-from " + source + ": no such file or directory");
        }
        if (Files.isDirectory(p)) {
            Path dir = Files.isRegularFile(p.resolve(ResNetModel.METADATA_FILE)) ? p : p.resolve(Trainer.MODEL);
            if (!Files.isRegularFile(dir.resolve(ResNetModel.METADATA_FILE))) {
                throw new ResNet4jException("--init-from " + source + ": neither a model directory (no "
                        + ResNetModel.METADATA_FILE + ") nor a finished run (no " + Trainer.MODEL + "/)");
            }
            ModelMetadata m;
            try {
                m = ResNetModel.metadata(dir);
            } catch (ResNet4jException e) {
                throw new ResNet4jException("--init-from " + e.getMessage());
            }
            JsonObject parentSource = m.provenance() != null && m.provenance().has("source")
                    ? m.provenance().getAsJsonObject("source") : null;
            FineTuning parent = new FineTuning(source, dir.resolve(ResNetModel.WEIGHTS_FILE), "model directory", m.spec(),
                    m.classes(), m.normalization(), parentSource, null);
            parent.preset = m.preset();
            return parent;
        }
        return new FineTuning(source, p, "weights file", null, null, null, null, null);
    }

    /**
     * The parent of the run in {@code runDir}: on a resume the one recorded there, else {@code source}
     * opened and recorded.
     */
    public static FineTuning forRun(String source, Path runDir, boolean resuming) {
        Path record = runDir.resolve(RECORD);
        if (resuming && Files.isRegularFile(record)) {
            JsonObject o = Json.read(record, JsonObject.class);
            Normalization n = o.has("normalization") ? Json.GSON.fromJson(o.get("normalization"), Normalization.class) : null;
            List<String> names = o.has("classes") ? Arrays.asList(Json.GSON.fromJson(o.get("classes"), String[].class)) : null;
            JsonObject parentSource = o.has("parent_source") ? o.getAsJsonObject("parent_source") : null;
            return new FineTuning(source, Path.of(o.get("weights").getAsString()), o.get("kind").getAsString(), null, names, n,
                    parentSource, o.has("sha256") ? o.get("sha256").getAsString() : null);
        }
        FineTuning parent = open(source);
        JsonObject o = parent.provenance();
        if (parent.normalization != null) {
            o.add("normalization", Json.GSON.toJsonTree(parent.normalization));
        }
        Json.write(record, o);
        return parent;
    }

    /**
     * The settings a run takes from this parent unless the config file or flags give them: a model
     * directory's architecture ({@code model}, {@code shortcut}, {@code smallStem},
     * {@code strideIn1x1}; only when {@code architecture}, i.e. no other model was asked for),
     * {@code normalization: parent} and its {@code preset}. Nothing for a weights file.
     */
    public JsonObject settings(boolean architecture) {
        JsonObject o = new JsonObject();
        if (spec != null && architecture) {
            o.addProperty("model", spec.name());
            if (spec.shortcut() != org.resnet4j.model.Shortcut.NONE) {
                o.addProperty("shortcut", spec.shortcut().name());
            }
            o.addProperty("smallStem", spec.smallStem());
            o.addProperty("strideIn1x1", spec.strideIn1x1());
        }
        if (normalization != null) {
            o.addProperty("normalization", PARENT);
        }
        if (preset != null) { // a network trained on photos is fine-tuned on photos prepared the same way
            o.addProperty("preset", preset);
        }
        return o;
    }

    /**
     * Gives {@code model} the parent's weights (and BN statistics). The classifier keeps its fresh
     * initialisation when the parent's has another number of classes, none, or (both named) other
     * class names. Returns what was done, for the run's log.
     */
    public String initialize(ResNetModel model) {
        WeightsFile.Loaded loaded = WeightsFile.load(weights);
        Map<String, HostTensor> parent = new LinkedHashMap<>();
        loaded.tensors().forEach((name, t) -> {
            String n = ResNetModel.canonicalName(name);
            if (!n.endsWith("num_batches_tracked")) {
                parent.put(n, t);
            }
        });
        Map<String, HostTensor> merged = new LinkedHashMap<>(model.weights());
        HostTensor parentHead = parent.get(HEAD + "weight");
        HostTensor head = merged.get(HEAD + "weight");
        String why = null;
        if (parentHead == null) {
            why = "the parent has no classifier";
        } else if (!Arrays.equals(parentHead.shape(), head.shape())) {
            why = "the parent has " + parentHead.shape()[0] + " classes, this run " + head.shape()[0];
        } else if (named(classes) && named(model.classes()) && !classes.equals(model.classes())) {
            why = "the parent's classes are " + String.join(", ", classes.subList(0, Math.min(5, classes.size())))
                    + (classes.size() > 5 ? ", ..." : "");
        }
        List<String> missing = merged.keySet().stream().filter(k -> !k.startsWith(HEAD) && !parent.containsKey(k)).toList();
        if (!missing.isEmpty()) {
            throw new ResNet4jException("--init-from " + source + ": " + missing.size() + " tensor(s) of " + model.spec().name()
                    + " missing, e.g. " + String.join(", ", missing.subList(0, Math.min(3, missing.size())))
                    + " (the parent is another network? give its --model)");
        }
        for (Map.Entry<String, HostTensor> e : parent.entrySet()) {
            if (why == null || !e.getKey().startsWith(HEAD)) {
                merged.put(e.getKey(), e.getValue());
            }
        }
        model.importWeights(merged, "--init-from " + source);
        return "initialised from " + source + " (" + kind + ")" + (why == null ? "; classifier kept"
                : "; classifier re-initialised (" + why + ")");
    }

    /** Whether {@code names} are real names rather than the default 0, 1, 2, ... */
    private static boolean named(List<String> names) {
        return names != null && !names.equals(IntStream.range(0, names.size()).mapToObj(Integer::toString).toList());
    }

    /** What the model's provenance says of its parent: where it is, its SHA-256, its classes and its own source. */
    public JsonObject provenance() {
        if (sha256 == null) {
            sha256 = Sha256.of(weights);
        }
        JsonObject o = new JsonObject();
        o.addProperty("source", source);
        o.addProperty("kind", kind);
        o.addProperty("weights", weights.toAbsolutePath().normalize().toString());
        o.addProperty("sha256", sha256);
        if (spec != null) {
            o.addProperty("model", spec.name());
        }
        if (classes != null) {
            o.add("classes", Json.GSON.toJsonTree(classes));
        }
        if (parentSource != null) {
            o.add("parent_source", parentSource);
        }
        return o;
    }

    /**
     * The input normalisation of a run: computed from its training images ({@code per-pixel},
     * {@code per-channel}), {@code none}, the parent's ({@value #PARENT}), or given
     * ({@link NormalizationSpec}: {@code imagenet}, {@code per-channel:M1,M2,M3:S1,S2,S3}).
     */
    public static Normalization normalization(String mode, Preset preset, Samples train, int[] shape, long seed,
            FineTuning parent) {
        switch (mode) {
            case Normalization.PER_PIXEL, Normalization.PER_CHANNEL, Normalization.NONE -> {
                return preset.normalization(train, mode, shape[0], shape[1], shape[2], seed);
            }
            case PARENT -> {
                if (parent == null) {
                    throw new UsageException("--normalization parent: only with --init-from");
                }
                if (parent.normalization == null) {
                    throw new ResNet4jException("--normalization parent: --init-from " + parent.source
                            + " records no normalisation; give per-pixel, per-channel, none, " + NormalizationSpec.IMAGENET
                            + " or per-channel:M1,M2,M3:S1,S2,S3");
                }
                Normalization n = parent.normalization;
                boolean perPixel = Normalization.PER_PIXEL.equals(n.mode());
                if (n.shape()[0] != shape[0] || (perPixel && !Arrays.equals(n.shape(), shape))) {
                    throw new ResNet4jException("--normalization parent: the parent normalises " + n.shape()[0] + "x"
                            + n.shape()[1] + "x" + n.shape()[2] + " images " + n.mode() + ", these are " + shape[0] + "x"
                            + shape[1] + "x" + shape[2] + " (give --normalization per-pixel to compute it from this data)");
                }
                return n;
            }
            default -> {
                return NormalizationSpec.parse(mode, shape[0], shape[1], shape[2], "--normalization");
            }
        }
    }

    /** Whether {@code mode} is a valid {@code --normalization} for training (syntax only). */
    public static boolean isNormalization(String mode) {
        return mode != null && (mode.equals(Normalization.PER_PIXEL) || mode.equals(Normalization.PER_CHANNEL)
                || mode.equals(Normalization.NONE) || mode.equals(PARENT) || mode.equals(NormalizationSpec.IMAGENET)
                || mode.startsWith(Normalization.PER_CHANNEL + ":"));
    }
}
