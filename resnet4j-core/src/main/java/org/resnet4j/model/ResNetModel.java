package org.resnet4j.model;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.resnet4j.ResNet4jException;
import org.resnet4j.dataset.Normalization;
import org.resnet4j.util.Devices;
import org.resnet4j.util.Json;
import org.resnet4j.util.Versions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network with everything needed to use it: its spec, class names, input normalisation and
 * provenance. Saved as a directory ({@code model.json} + {@code weights.safetensors} under
 * PyTorch names) that loads with no other information.
 *
 * <pre>{@code
 * try (ResNetModel model = ResNetModel.create(ResNets.spec("resnet56"), 42)) {
 *     System.out.print(model.summary().toTable());
 *     model.save(Path.of("resnet56"));
 * }
 * try (ResNetModel loaded = ResNetModel.load(Path.of("resnet56"))) { ... }
 * }</pre>
 */
public final class ResNetModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResNetModel.class);
    public static final String METADATA_FILE = "model.json";
    public static final String WEIGHTS_FILE = "weights.safetensors";

    private final ResNet net;
    private final NDManager manager;
    private final ParameterStore inference;
    private List<String> classes;
    private Normalization normalization;
    private String preset;
    private JsonObject provenance;
    private final java.util.Set<String> frozen = new java.util.LinkedHashSet<>();
    /** The fused inference program for the current precision, once compiled; see {@link #fusedInference}. */
    private FusedInference script;
    private boolean scriptTried;
    /** Set once training may update the parameters in place ({@link #trainableParameters}): inference folds them at every call then. */
    private volatile boolean weightsMayChange;

    private ResNetModel(ResNetSpec spec, NDManager manager) {
        org.resnet4j.util.EngineLog.quiet();
        this.manager = manager;
        this.net = ResNets.create(spec);
        this.inference = new ParameterStore(manager, false);
        this.classes = IntStream.range(0, spec.classes()).mapToObj(Integer::toString).toList();
        this.normalization = Normalization.none(spec.inputChannels(), spec.inputHeight(), spec.inputWidth());
        this.provenance = new JsonObject();
        provenance.addProperty("created", Instant.now().toString());
        provenance.add("versions", Json.GSON.toJsonTree(Versions.all()));
    }

    /** A new network with initial weights drawn from {@code seed} ({@link Initialization}). */
    public static ResNetModel create(ResNetSpec spec, long seed) {
        ResNetModel model = new ResNetModel(spec, NDManager.newBaseManager(Devices.device()));
        Initialization.initialize(model.net, model.manager, seed);
        model.provenance.addProperty("init", "he-normal-fan-out, seed " + seed);
        return model;
    }

    /** A network whose weights come from a PyTorch state_dict ({@link #importWeights}). */
    public static ResNetModel fromWeights(ResNetSpec spec, Map<String, HostTensor> weights, String source) {
        ResNetModel model = allocate(spec);
        model.importWeights(weights, source, true);
        model.provenance.addProperty("imported_from", source);
        return model;
    }

    /** Loads a model directory written by {@link #save}. */
    public static ResNetModel load(Path dir) {
        ModelMetadata m = metadata(dir);
        ResNetModel model = allocate(m.spec());
        model.importWeights(WeightsFile.read(dir.resolve(WEIGHTS_FILE)), dir.resolve(WEIGHTS_FILE).toString());
        if (m.classes() != null) {
            model.setClasses(m.classes());
        }
        if (m.normalization() != null) {
            model.normalization = m.normalization();
        }
        model.preset = m.preset();
        if (m.provenance() != null) {
            model.provenance = m.provenance();
        }
        return model;
    }

    /** The {@code model.json} of a model directory, checked, without loading the weights. */
    public static ModelMetadata metadata(Path dir) {
        Path meta = dir.resolve(METADATA_FILE);
        if (!Files.isDirectory(dir)) {
            throw new ResNet4jException(dir + ": no such model directory");
        }
        if (!Files.exists(meta)) {
            throw new ResNet4jException(dir + ": not a ResNet4J model directory (no " + METADATA_FILE + ")");
        }
        ModelMetadata m = Json.read(meta, ModelMetadata.class);
        if (!ModelMetadata.FORMAT.equals(m.format()) || m.spec() == null) {
            throw new ResNet4jException(meta + ": not a ResNet4J model description (format " + m.format() + ")");
        }
        if (m.formatVersion() > ModelMetadata.VERSION) {
            throw new ResNet4jException(meta + ": written by a newer ResNet4J (format " + m.formatVersion() + ")");
        }
        return m;
    }

    private static ResNetModel allocate(ResNetSpec spec) {
        ResNetModel model = new ResNetModel(spec, NDManager.newBaseManager(Devices.device()));
        model.net.initialize(model.manager, DataType.FLOAT32,
                new Shape(1, spec.inputChannels(), spec.inputHeight(), spec.inputWidth()));
        return model;
    }

    /** Writes the model directory atomically (a reader sees the old one or the complete new one). */
    public void save(Path dir) {
        ModelMetadata meta = new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.VERSION, spec(), classes,
                normalization, preset, provenance);
        Map<String, HostTensor> weights = weights();
        org.resnet4j.util.AtomicFiles.replaceDirectory(dir, tmp -> {
            WeightsFile.writeSafetensors(tmp.resolve(WEIGHTS_FILE), weights, Map.of("format", "pt", "model", spec().name()));
            Json.write(tmp.resolve(METADATA_FILE), meta);
        });
    }

    /**
     * Sets every parameter from a PyTorch state_dict. Accepts torchvision names, a {@code module.}
     * prefix (DataParallel) and akamaster's CIFAR names ({@code linear}, {@code shortcut}); ignores
     * {@code num_batches_tracked}. Missing, unexpected, mis-shaped or non-finite (NaN, infinite) tensors
     * are an error naming them.
     */
    public void importWeights(Map<String, HostTensor> tensors, String source) {
        importWeights(tensors, source, false);
    }

    /** {@link #importWeights(Map, String)}; {@code fromFlags}: the network came from --model and the like, so errors suggest them. */
    private void importWeights(Map<String, HostTensor> tensors, String source, boolean fromFlags) {
        Map<String, HostTensor> byName = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            String name = canonicalName(e.getKey());
            if (!name.endsWith("num_batches_tracked")) {
                byName.put(name, e.getValue());
            }
        }
        Map<String, Parameter> params = TorchNames.parameters(net);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Parameter> p : params.entrySet()) {
            HostTensor t = byName.get(p.getKey());
            if (t == null) {
                missing.add(p.getKey());
                continue;
            }
            long[] expected = p.getValue().getArray().getShape().getShape();
            if (!java.util.Arrays.equals(expected, t.shape())) {
                throw new ResNet4jException(source + ": " + p.getKey() + " has shape " + t.shapeString() + " but "
                        + spec().name() + " needs " + java.util.Arrays.toString(expected).replace(" ", "")
                        + (fromFlags ? " (wrong --model, --input or --classes?)" : ""));
            }
        }
        List<String> unexpected = byName.keySet().stream().filter(k -> !params.containsKey(k)).toList();
        if (!missing.isEmpty()) {
            throw new ResNet4jException(source + ": " + missing.size() + " tensor(s) of " + spec().name()
                    + " missing, e.g. " + String.join(", ", missing.subList(0, Math.min(3, missing.size())))
                    + (unexpected.isEmpty() ? "" : "; the file has " + String.join(", ",
                            unexpected.subList(0, Math.min(3, unexpected.size()))) + " instead"));
        }
        if (!unexpected.isEmpty()) {
            throw new ResNet4jException(source + ": " + unexpected.size() + " tensor(s) that " + spec().name()
                    + " does not have, e.g. " + String.join(", ", unexpected.subList(0, Math.min(3, unexpected.size())))
                    + (fromFlags ? " (wrong --model or --shortcut?)" : ""));
        }
        for (String name : params.keySet()) {
            for (float v : byName.get(name).data()) {
                if (!Float.isFinite(v)) {
                    throw new ResNet4jException(source + ": " + name + " holds " + (Float.isNaN(v) ? "NaN" : "infinite")
                            + " values; these weights are broken (a diverged training run?)");
                }
            }
        }
        Runnable assign = () -> params.forEach((name, p) -> ParameterValues.assign(p.getArray(), byName.get(name).data()));
        synchronized (this) { // no program compiles meanwhile; a loaded one waits for its running passes
            if (script == null) {
                assign.run();
            } else {
                script.replaceWeights(assign); // not while the program reads the tensors being replaced
            }
        }
    }

    /**
     * The name {@link #importWeights} reads a state_dict entry under: without a {@code module.}
     * prefix, with akamaster's CIFAR names ({@code linear}, {@code shortcut}) as torchvision's.
     */
    public static String canonicalName(String name) {
        return name.replaceFirst("^module\\.", "").replaceFirst("^linear\\.", "fc.").replace(".shortcut.", ".downsample.");
    }

    /** Every parameter as a float32 tensor under its PyTorch name. */
    public Map<String, HostTensor> weights() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        TorchNames.parameters(net).forEach((name, p) -> {
            NDArray a = p.getArray();
            out.put(name, new HostTensor(a.getShape().getShape(), a.toFloatArray()));
        });
        return out;
    }

    /**
     * The parameters that training updates (not the BN running statistics, not {@link #freeze frozen}
     * ones), under their PyTorch names, with gradient tracking switched on. From then on, inference
     * re-reads the parameters at every call, since training changes them in place.
     */
    public Map<String, Parameter> trainableParameters() {
        weightsMayChange = true;
        forgetFoldedWeights();
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        TorchNames.parameters(net).forEach((name, p) -> {
            if (p.requiresGradient() && !frozen.contains(name)) {
                p.getArray().setRequiresGradient(true);
                trainable.put(name, p);
            }
        });
        return trainable;
    }

    /**
     * Freezes every module whose PyTorch name {@code modules} accepts (e.g. {@code layer1},
     * {@code layer1.0.bn1}) and everything inside it: its parameters get no gradients (and
     * {@link #trainableParameters} leaves them out) and its batch norms use their running statistics
     * in training too, without updating them. Returns the names of the frozen parameters.
     */
    public java.util.Set<String> freeze(java.util.function.Predicate<String> modules) {
        TorchNames.visit(net, "", (name, block) -> {
            if (!name.isEmpty() && modules.test(name) && block instanceof BatchNorm2d bn) {
                bn.setFrozen(true);
            }
        });
        TorchNames.parameters(net).forEach((name, p) -> {
            String module = name.substring(0, Math.max(0, name.lastIndexOf('.')));
            if (modules.test(module)) {
                frozen.add(name);
                p.getArray().setRequiresGradient(false);
            }
        });
        return java.util.Collections.unmodifiableSet(frozen);
    }

    /**
     * Logits for a batch of normalised images (N, C, H, W), in inference mode (BN running
     * statistics). The intermediate activations are freed at once; the logits belong to the
     * images' manager.
     */
    public NDArray logits(NDArray images) {
        return infer(images, false);
    }

    /**
     * Image features for a batch of normalised images (N, C, H, W): the global-average-pooled output
     * of the last stage, which the classifier sees (N, {@link ResNet#featureSize()}), in inference
     * mode. Like {@link #logits}, the result belongs to the images' manager.
     */
    public NDArray features(NDArray images) {
        return infer(images, true);
    }

    /** Logits or features through the fused program where there is one, else step by step. */
    private NDArray infer(NDArray images, boolean features) {
        FusedInference fused = fusedInference();
        if (fused == null) {
            return stepByStep(images, features);
        }
        try {
            return features ? fused.features(images, !weightsMayChange) : fused.logits(images, !weightsMayChange);
        } catch (EngineException e) {
            NDArray result;
            try {
                result = stepByStep(images, features);
            } catch (RuntimeException stepError) {
                stepError.addSuppressed(e);
                throw stepError; // a batch no pass computes: the caller's error, not the program's
            }
            abandon(fused, images, e);
            return result;
        }
    }

    private NDArray stepByStep(NDArray images, boolean features) {
        NDManager owner = images.getManager();
        try (NDManager scope = manager.newSubManager()) {
            images.tempAttach(scope);
            NDArray out = features ? net.features(inference, images, false, null)
                    : net.forward(inference, new NDList(images), false).singletonOrThrow();
            out.attach(owner);
            return out;
        }
    }

    /**
     * A batch the fused program could not compute but the step-by-step pass could (a shape oneDNN
     * refuses): one warning, and this model computes step by step from then on.
     */
    private synchronized void abandon(FusedInference fused, NDArray images, EngineException e) {
        if (script == fused) {
            LOG.warn("resnet4j: the fused inference program failed on a batch of shape {} ({}); computing step by step",
                    images.getShape(), FusedInference.reason(e));
            script.close();
            script = null;
        }
    }

    private synchronized void forgetFoldedWeights() {
        if (script != null) {
            script.forgetOperands();
        }
    }

    /**
     * The network's inference pass as one fused program ({@link InferenceScript}), compiled at first
     * use and again after a change of precision; null where the device or engine runs it step by step.
     */
    private synchronized FusedInference fusedInference() {
        if (script != null && script.precision() != net.precision()) {
            script.close();
            script = null;
            scriptTried = false;
        }
        if (!scriptTried) {
            scriptTried = true;
            script = Devices.fusesInference(manager.getDevice()) ? InferenceScript.compile(net, manager) : null;
        }
        return script;
    }

    /** Tests: whether inference runs through the fused program. */
    boolean runsFused() {
        return fusedInference() != null;
    }

    /**
     * The arithmetic of this model's forward passes, for training and inference alike: {@link
     * Precision#FP32} (the default) or {@link Precision#BF16} mixed precision. The weights stay float32
     * and save as float32. Choose it with {@link Precision#on}, which falls back
     * to float32 where the hardware lacks bfloat16 arithmetic.
     */
    public void setPrecision(Precision precision) {
        net.setPrecision(precision);
    }

    public Precision precision() {
        return net.precision();
    }

    public ModelSummary summary() {
        return ModelSummary.of(net);
    }

    public ResNetSpec spec() {
        return net.spec();
    }

    /**
     * The DJL block, for training and for use inside other DJL code. Code that changes its parameters
     * calls {@link #trainableParameters} first, as training does: until then {@link #logits} and
     * {@link #features} compute with the weights as they were folded at their first call.
     */
    public ResNet block() {
        return net;
    }

    public NDManager manager() {
        return manager;
    }

    public List<String> classes() {
        return classes;
    }

    public void setClasses(List<String> names) {
        if (names.size() != spec().classes()) {
            throw new ResNet4jException(spec().name() + " has " + spec().classes() + " outputs but " + names.size()
                    + " class names were given");
        }
        this.classes = List.copyOf(names);
    }

    public Normalization normalization() {
        return normalization;
    }

    public void setNormalization(Normalization normalization) {
        this.normalization = normalization;
    }

    /**
     * The image preset ({@link org.resnet4j.dataset.Preset}) training used, which evaluation and
     * prediction prepare images with; null for {@code cifar} (models from before presets, imports).
     */
    public String preset() {
        return preset;
    }

    public void setPreset(String preset) {
        this.preset = preset;
    }

    /** Where the weights came from; training adds its configuration, data fingerprint and seed. */
    public JsonObject provenance() {
        return provenance;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (script != null) {
                script.close(); // its kept operands belong to no manager
                script = null;
            }
        }
        manager.close();
    }
}
