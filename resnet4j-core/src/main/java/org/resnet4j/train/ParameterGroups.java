package org.resnet4j.train;

import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNetSpec;

/**
 * The optimizer's parameter groups, as PyTorch's: which parameters train and at what fraction of
 * the learning rate. Parts of the network named by {@code --freeze} ({@code stem} = conv1 + bn1,
 * {@code layer1} .. {@code layerN}, or {@code backbone} = everything but the classifier {@code fc})
 * are frozen: left out of the optimizer, without gradients, their batch norms on running statistics
 * ({@link ResNetModel#freeze}). The trainable backbone parameters learn at
 * {@code backboneLrScale} times the learning rate, the classifier at the full rate.
 *
 * @param trainable the parameters the optimizer updates, by PyTorch name
 * @param lrScale each trainable parameter's learning-rate factor
 * @param frozen the names of the frozen parameters
 */
public record ParameterGroups(Map<String, Parameter> trainable, Map<String, Double> lrScale, Set<String> frozen) {
    public static final String STEM = "stem";
    public static final String BACKBONE = "backbone";
    public static final String HEAD = "fc";

    /** Every parameter trains at the full learning rate. */
    public static ParameterGroups all(ResNetModel model) {
        return of(model, null, 1.0);
    }

    /** Freezes the parts {@code freeze} names (null or empty: none) and scales the backbone's learning rate. */
    public static ParameterGroups of(ResNetModel model, String freeze, double backboneLrScale) {
        Set<String> prefixes = modules(freeze, model.spec());
        Set<String> frozen = prefixes.isEmpty() ? Set.of() : model.freeze(module -> covered(module, prefixes));
        Map<String, Parameter> trainable = model.trainableParameters();
        if (trainable.isEmpty()) {
            throw new UsageException("--freeze " + freeze + ": leaves nothing to train");
        }
        Map<String, Double> scale = new LinkedHashMap<>();
        trainable.keySet().forEach(name -> scale.put(name, covered(name, Set.of(HEAD)) ? 1.0 : backboneLrScale));
        return new ParameterGroups(trainable, scale, Set.copyOf(frozen));
    }

    /**
     * The PyTorch module names that {@code freeze} (comma-separated parts) stands for; checks every
     * part against {@code spec}, with a one-line error naming the flag.
     */
    public static Set<String> modules(String freeze, ResNetSpec spec) {
        Set<String> out = new LinkedHashSet<>();
        if (freeze == null || freeze.isBlank()) {
            return out;
        }
        List<String> known = parts(spec);
        for (String raw : freeze.split(",")) {
            String part = raw.strip();
            if (part.equals(BACKBONE)) {
                out.addAll(List.of("conv1", "bn1", "bn"));
                for (int i = 1; i <= spec.blocks().size(); i++) {
                    out.add("layer" + i);
                }
            } else if (part.equals(STEM)) {
                out.addAll(List.of("conv1", "bn1"));
            } else if (known.contains(part)) {
                out.add(part);
            } else {
                throw new UsageException("--freeze: unknown part '" + part + "' (" + spec.name() + " has "
                        + String.join(", ", known) + "; or " + BACKBONE + " for all but the classifier)");
            }
        }
        return out;
    }

    private static List<String> parts(ResNetSpec spec) {
        List<String> known = new ArrayList<>(List.of(STEM));
        for (int i = 1; i <= spec.blocks().size(); i++) {
            known.add("layer" + i);
        }
        return known;
    }

    /** Whether the module or parameter {@code name} lies in one of {@code prefixes} (whole name components). */
    private static boolean covered(String name, Set<String> prefixes) {
        for (String p : prefixes) {
            if (name.equals(p) || name.startsWith(p + ".")) {
                return true;
            }
        }
        return false;
    }

    /** Whether any trainable parameter learns at other than the full rate. */
    public boolean scaled() {
        return lrScale.values().stream().anyMatch(s -> s != 1.0);
    }
}
