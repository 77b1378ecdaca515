package org.resnet4j.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.dataset.Normalization;
import org.resnet4j.model.Precision;
import org.resnet4j.model.ResNetSpec;
import org.resnet4j.model.ResNets;
import org.resnet4j.util.Json;

/**
 * Every setting of a training run. Resolution order: defaults (the paper's CIFAR-10 recipe,
 * section 4.2) &lt; a config file ({@code --config run.json}) &lt; command-line flags. The resolved
 * config is written to the run's {@code config.json} and is all a rerun or a resume needs.
 *
 * <p>Keys in a config file are the component names below; case, {@code -} and {@code _} are
 * ignored, so {@code "batch-size"}, {@code "batch_size"} and {@code "batchSize"} all work. A run's
 * own {@code config.json} is accepted too (its {@code settings} object is used).
 *
 * @param epochs stop after this many epochs (null: use {@code iterations})
 * @param iterations stop after this many SGD steps (null: use {@code epochs}; both null: 64,000)
 * @param valSplit images held out of the training set for validation; null: a tenth, at most 5,000 (5k of 50k)
 * @param limitTrain a stratified random subset of this many training images, fixed by the seed; 0 (a run's
 *     config.json, a config file): all of them. The flag takes 1 or more.
 * @param limitTest the same for the test images
 * @param warmup {@code constant} (the paper's: warmupLr for warmupIters steps) or {@code linear}
 * @param preset the image recipe ({@link org.resnet4j.dataset.Preset}): cifar, imagenet-paper or imagenet
 * @param erase probability of random erasing per training image (0: none)
 * @param labelSmoothing the training loss's target puts this much probability spread evenly over
 *     all classes, as PyTorch's {@code CrossEntropyLoss(label_smoothing=...)} (0: none)
 * @param threads compute threads, 0 for every core
 * @param precision the arithmetic of the forward pass, {@code fp32} or {@code bf16} ({@link Precision}); recorded so
 *     that a resumed run continues in it
 * @param initFrom fine-tuning: the model directory, run or weights file to start from ({@link FineTuning}); null: a fresh network
 * @param freeze fine-tuning: the parts not to train, e.g. {@code stem,layer1} or {@code backbone} ({@link ParameterGroups}); null: none
 * @param backboneLrScale fine-tuning: the learning rate of everything but the classifier, as a fraction of {@code lr}
 */
public record TrainConfig(
        String model,
        String input,
        Integer classes,
        String shortcut,
        boolean smallStem,
        boolean strideIn1x1,
        boolean zeroInitResidual,
        String dataset,
        String data,
        String preset,
        Integer epochs,
        Long iterations,
        int batchSize,
        double lr,
        String schedule,
        double warmupLr,
        int warmupIters,
        String warmup,
        String optimizer,
        double momentum,
        double weightDecay,
        Integer valSplit,
        long seed,
        int limitTrain,
        int limitTest,
        String normalization,
        int pad,
        boolean flip,
        double erase,
        double labelSmoothing,
        int resize,
        boolean skipBad,
        int workers,
        int threads,
        String precision,
        String initFrom,
        String freeze,
        double backboneLrScale) {

    public static final long PAPER_ITERATIONS = 64_000;
    /** The flag an error message starts with ("--batch-size: ..." or "--input 3x8x8: ..."). */
    private static final Pattern FLAG = Pattern.compile("^--([a-z0-9-]+)[^:]*:");

    /** The defaults for {@code dataset} and {@code optimizer}, as JSON (the paper's recipe). */
    static JsonObject defaults(String optimizer) {
        JsonObject d = new JsonObject();
        d.addProperty("model", "resnet20");
        d.addProperty("smallStem", false);
        d.addProperty("strideIn1x1", false);
        d.addProperty("zeroInitResidual", false);
        d.addProperty("dataset", "cifar10");
        d.addProperty("preset", org.resnet4j.dataset.Preset.CIFAR);
        d.addProperty("batchSize", 128);
        boolean adam = "adam".equals(optimizer);
        d.addProperty("lr", adam ? 0.001 : 0.1);
        d.addProperty("schedule", "multistep");
        d.addProperty("warmupLr", 0.0);
        d.addProperty("warmupIters", 0);
        d.addProperty("warmup", "constant");
        d.addProperty("optimizer", "sgd");
        d.addProperty("momentum", 0.9);
        d.addProperty("weightDecay", 1e-4);
        d.addProperty("seed", 42);
        d.addProperty("limitTrain", 0);
        d.addProperty("limitTest", 0);
        d.addProperty("normalization", Normalization.PER_PIXEL);
        d.addProperty("pad", 4);
        d.addProperty("flip", true);
        d.addProperty("erase", 0.0);
        d.addProperty("labelSmoothing", 0.0);
        d.addProperty("resize", 0);
        d.addProperty("skipBad", false);
        d.addProperty("workers", 2);
        d.addProperty("threads", 0);
        d.addProperty("precision", Precision.FP32.toString());
        d.addProperty("backboneLrScale", 1.0);
        return d;
    }

    /** The paper's recipe with nothing overridden. */
    public static TrainConfig paperDefaults() {
        return resolve(new JsonObject(), new JsonObject());
    }

    /**
     * Merges defaults, then {@code file} (may be empty), then {@code flags} (only the settings the
     * user gave) and validates the result.
     */
    public static TrainConfig resolve(JsonObject file, JsonObject flags) {
        JsonObject given = new JsonObject();
        overlay(given, canonical(file, "config file"));
        JsonObject f = canonical(flags, "flags");
        // --epochs and --iterations replace each other across layers
        if (f.has("epochs") && !f.get("epochs").isJsonNull()) {
            given.remove("iterations");
        }
        if (f.has("iterations") && !f.get("iterations").isJsonNull()) {
            given.remove("epochs");
        }
        for (String k : List.of("limitTrain", "limitTest")) {
            if (f.has(k) && f.get(k).getAsInt() < 1) {
                throw new UsageException("--" + (k.equals("limitTrain") ? "limit-train" : "limit-test") + ": must be at least 1, not "
                        + f.get(k) + " (leave it out to use every image)");
            }
        }
        overlay(given, f);
        String optimizer = given.has("optimizer") ? given.get("optimizer").getAsString() : "sgd";
        JsonObject merged = defaults(optimizer);
        overlay(merged, given);
        TrainConfig c = fromJson(merged);
        if (c.epochs == null && c.iterations == null) {
            c = c.withIterations(PAPER_ITERATIONS);
        }
        c.validate();
        return c;
    }

    /**
     * {@link #resolve(JsonObject, JsonObject)} with the settings of {@code file} ({@code --config}):
     * a bad value that came from the file is an error naming the file and the key.
     */
    public static TrainConfig resolve(Path file, JsonObject flags) {
        return resolve(file, null, flags);
    }

    /**
     * {@link #resolve(Path, JsonObject)} with the settings of a parent model ({@code --init-from}) under those of the
     * file; {@code file} and {@code parent} may be null.
     */
    public static TrainConfig resolve(Path file, JsonObject parent, JsonObject flags) {
        JsonObject raw = file == null ? new JsonObject() : readObject(file);
        JsonObject given = canonical(raw, "--config " + file);
        if (parent != null) {
            JsonObject under = parent.deepCopy();
            given.entrySet().forEach(e -> under.add(e.getKey(), e.getValue()));
            given = under;
        }
        try {
            return resolve(given, flags);
        } catch (ResNet4jException e) {
            Matcher flag = FLAG.matcher(e.getMessage());
            if (flag.find()) {
                String key = squash(flag.group(1));
                boolean fromFlags = flags.keySet().stream().anyMatch(k -> squash(k).equals(key));
                for (String k : raw.keySet()) {
                    if (squash(k).equals(key) && !fromFlags) {
                        throw new UsageException("--config " + file + ": " + k + ": "
                                + e.getMessage().substring(flag.end()).strip(), e);
                    }
                }
            }
            throw e;
        }
    }

    /** Reads a config file: a flat settings object or a run's {@code config.json}; keys and value types checked. */
    public static JsonObject readFile(Path file) {
        return canonical(readObject(file), "--config " + file);
    }

    /** The settings object of a config file, as written. */
    private static JsonObject readObject(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ResNet4jException("--config " + file + ": no such file");
        }
        JsonObject o;
        try {
            o = Json.read(file, JsonObject.class);
        } catch (ResNet4jException e) {
            throw new ResNet4jException("--config " + e.getMessage(), e);
        }
        return o.has("settings") && o.get("settings").isJsonObject() ? o.getAsJsonObject("settings") : o;
    }

    /** Renames keys to component names; unknown keys are an error naming them. */
    static JsonObject canonical(JsonObject in, String where) {
        Map<String, String> names = Arrays.stream(TrainConfig.class.getRecordComponents())
                .map(RecordComponent::getName)
                .collect(Collectors.toMap(TrainConfig::squash, n -> n));
        JsonObject out = new JsonObject();
        for (Map.Entry<String, JsonElement> e : in.entrySet()) {
            String name = names.get(squash(e.getKey()));
            if (name == null) {
                throw new UsageException(where + ": unknown setting '" + e.getKey() + "'");
            }
            String problem = typeProblem(TYPES.get(name), e.getValue());
            if (problem != null) {
                throw new UsageException(where + ": " + e.getKey() + ": " + problem);
            }
            out.add(name, e.getValue());
        }
        return out;
    }

    private static final Map<String, Class<?>> TYPES = Arrays.stream(TrainConfig.class.getRecordComponents())
            .collect(Collectors.toMap(RecordComponent::getName, RecordComponent::getType));

    /** Why {@code v} is no value of a setting of {@code type}, or null when it is one: no coercion at all. */
    private static String typeProblem(Class<?> type, JsonElement v) {
        boolean number = v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber();
        String expected;
        if (type == String.class) {
            expected = v.isJsonPrimitive() && v.getAsJsonPrimitive().isString() ? null : "a string";
        } else if (type == boolean.class || type == Boolean.class) {
            expected = v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean() ? null : "true or false";
        } else if (type == double.class || type == Double.class) {
            expected = number ? null : "a number";
        } else {
            boolean whole = false;
            if (number) {
                try {
                    long n = v.getAsBigDecimal().longValueExact();
                    whole = type == long.class || type == Long.class || (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE);
                } catch (ArithmeticException | NumberFormatException e) {
                    whole = false;
                }
            }
            expected = whole ? null : "a whole number";
        }
        if (expected == null) {
            return null;
        }
        return "expected " + expected + ", not " + v + (v.isJsonNull() ? " (leave the setting out for its default)" : "");
    }

    /** {@code flags} with keys renamed to component names (for callers outside this package). */
    public static java.util.Map<String, JsonElement> canonicalKeys(JsonObject flags) {
        return canonical(flags, "flags").asMap();
    }

    private static String squash(String key) {
        return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static void overlay(JsonObject base, JsonObject top) {
        top.entrySet().forEach(e -> base.add(e.getKey(), e.getValue()));
    }

    /** This config as JSON (component names). */
    public JsonObject toJson() {
        return Json.GSON.toJsonTree(this).getAsJsonObject();
    }

    /** Settings from JSON; settings it lacks (a run written before they existed) take their defaults. */
    public static TrainConfig fromJson(JsonObject o) {
        JsonObject merged = defaults(o.has("optimizer") ? o.get("optimizer").getAsString() : "sgd");
        overlay(merged, o);
        return Json.GSON.fromJson(merged, TrainConfig.class);
    }

    /** Throws a one-line error naming the flag for the first bad value. */
    public void validate() {
        if (model == null || model.isBlank()) {
            throw new UsageException("--model: missing");
        }
        spec(); // unknown model, bad --input, --shortcut, --classes
        if (epochs != null && iterations != null) {
            throw new UsageException("--epochs and --iterations: give one or the other");
        }
        if (epochs != null && epochs < 1) {
            throw new UsageException("--epochs: must be at least 1, not " + epochs);
        }
        if (iterations != null && iterations < 1) {
            throw new UsageException("--iterations: must be at least 1, not " + iterations);
        }
        if (batchSize < 1) {
            throw new UsageException("--batch-size: must be at least 1, not " + batchSize);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new UsageException("--lr: must be a positive number, not " + lr);
        }
        if (warmupIters < 0) {
            throw new UsageException("--warmup-iters: must be 0 or more, not " + warmupIters);
        }
        if (warmupIters > 0 && !(warmupLr > 0)) {
            throw new UsageException("--warmup-lr: must be positive with --warmup-iters, not " + warmupLr);
        }
        if (!"sgd".equals(optimizer) && !"nesterov".equals(optimizer) && !"adam".equals(optimizer)) {
            throw new UsageException("--optimizer: expected sgd, nesterov or adam, not '" + optimizer + "'");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new UsageException("--momentum: must be in [0, 1), not " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new UsageException("--weight-decay: must be 0 or more, not " + weightDecay);
        }
        if (valSplit != null && valSplit < 0) {
            throw new UsageException("--val-split: must be 0 or more, not " + valSplit);
        }
        if (limitTrain < 0) {
            throw new UsageException("--limit-train: must be 0 (all) or more, not " + limitTrain);
        }
        if (limitTest < 0) {
            throw new UsageException("--limit-test: must be 0 (all) or more, not " + limitTest);
        }
        if (!FineTuning.isNormalization(normalization)) {
            throw new UsageException("--normalization: expected per-pixel, per-channel, none, imagenet, "
                    + "per-channel:M1,M2,M3:S1,S2,S3 or (with --init-from) parent, not '" + normalization + "'");
        }
        if (FineTuning.PARENT.equals(normalization) && initFrom == null) {
            throw new UsageException("--normalization parent: only with --init-from");
        }
        if (!(backboneLrScale > 0) || Double.isInfinite(backboneLrScale)) {
            throw new UsageException("--backbone-lr-scale: must be a positive number, not " + backboneLrScale);
        }
        ParameterGroups.modules(freeze, spec()); // unknown parts
        if (pad < 0) {
            throw new UsageException("--pad: must be 0 or more, not " + pad);
        }
        if (!(erase >= 0 && erase <= 1)) {
            throw new UsageException("--erase: must be a probability from 0 to 1, not " + erase);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new UsageException("--label-smoothing: must be from 0 to below 1, not " + labelSmoothing);
        }
        if (resize < 0) {
            throw new UsageException("--resize: must be 0 (none) or more, not " + resize);
        }
        if (workers < 0) {
            throw new UsageException("--workers: must be 0 or more, not " + workers);
        }
        if (threads < 0) {
            throw new UsageException("--threads: must be 0 (all cores) or more, not " + threads);
        }
        Precision.parse(precision); // fp32 or bf16
        if (dataset == null || dataset.isBlank()) {
            throw new UsageException("--dataset: missing");
        }
        org.resnet4j.dataset.Preset.named(preset); // unknown preset
        LearningRateSchedule.parse(schedule, lr, warmupLr, warmupIters, warmup, 1); // syntax check
    }

    /** The network these settings describe; input and classes default to the zoo's. */
    public ResNetSpec spec() {
        return ResNets.spec(model, shortcut, smallStem, strideIn1x1, zeroInitResidual, input, classes);
    }

    private TrainConfig copy(JsonObject changes) {
        JsonObject o = toJson();
        overlay(o, changes);
        return fromJson(o);
    }

    public TrainConfig withIterations(long n) {
        JsonObject o = toJson();
        o.remove("epochs");
        o.addProperty("iterations", n);
        return fromJson(o);
    }

    public TrainConfig withEpochs(int n) {
        JsonObject o = toJson();
        o.remove("iterations");
        o.addProperty("epochs", n);
        return fromJson(o);
    }

    public TrainConfig withSchedule(String s) {
        JsonObject ch = new JsonObject();
        ch.addProperty("schedule", s);
        return copy(ch);
    }

    public TrainConfig withValSplit(int n) {
        JsonObject ch = new JsonObject();
        ch.addProperty("valSplit", n);
        return copy(ch);
    }

    public TrainConfig withInputAndClasses(String in, int k) {
        JsonObject ch = new JsonObject();
        ch.addProperty("input", in);
        ch.addProperty("classes", k);
        return copy(ch);
    }

    public TrainConfig withThreads(int n) {
        JsonObject ch = new JsonObject();
        ch.addProperty("threads", n);
        return copy(ch);
    }

    /** Total SGD steps for an epoch of {@code batchesPerEpoch} batches. */
    public long totalIterations(int batchesPerEpoch) {
        return iterations != null ? iterations : (long) epochs * batchesPerEpoch;
    }
}
