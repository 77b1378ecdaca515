package org.resnet4j.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A network's layers with their output shapes, trainable parameters (BN running statistics are not
 * parameters) and multiply-adds per image (convolutions and the classifier, as torchvision counts).
 */
public final class ModelSummary {

    /** One layer: its PyTorch name, kind, output shape per image [C, H, W], parameters, MACs. */
    public record Layer(String name, String kind, long[] output, long params, long macs) {}

    private final ResNetSpec spec;
    private final List<Layer> layers;

    private ModelSummary(ResNetSpec spec, List<Layer> layers) {
        this.spec = spec;
        this.layers = List.copyOf(layers);
    }

    /** Allocates the network a spec describes (no forward pass, no weight drawing) and summarises it. */
    public static ModelSummary of(ResNetSpec spec) {
        try (NDManager manager = NDManager.newBaseManager(org.resnet4j.util.Devices.device())) {
            ResNet net = ResNets.create(spec);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, spec.inputChannels(), spec.inputHeight(), spec.inputWidth()));
            return of(net);
        }
    }

    /** Summarises an initialised network. */
    public static ModelSummary of(ResNet net) {
        List<Layer> layers = new ArrayList<>();
        TorchNames.visit(net, "", (name, block) -> {
            if (!block.getChildren().isEmpty()) {
                return;
            }
            Shape in = block.getInputShapes()[0];
            Shape out = block.getOutputShapes(new Shape[] {in})[0];
            long params = block.getDirectParameters().values().stream()
                    .filter(Parameter::requiresGradient)
                    .mapToLong(p -> p.getArray().getShape().size())
                    .sum();
            layers.add(new Layer(name, kind(block), out.slice(1).getShape(), params, macs(block, out)));
        });
        return new ModelSummary(net.spec(), layers);
    }

    public ResNetSpec spec() {
        return spec;
    }

    public List<Layer> layers() {
        return layers;
    }

    public long params() {
        return layers.stream().mapToLong(Layer::params).sum();
    }

    public long macs() {
        return layers.stream().mapToLong(Layer::macs).sum();
    }

    /** The one-object JSON form of {@code summary --all --json}. */
    public Map<String, Object> toJsonObject() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", spec.name());
        m.put("family", spec.family().label());
        m.put("depth", spec.depth());
        m.put("params", params());
        m.put("macs", macs());
        m.put("input", spec.inputShape());
        m.put("classes", spec.classes());
        return m;
    }

    /** The per-layer table and totals, for a terminal. */
    public String toTable() {
        StringBuilder s = new StringBuilder(spec.describe()).append('\n');
        int nameWidth = Math.max(5, layers.stream().mapToInt(l -> l.name().length()).max().orElse(5));
        String format = "%-" + nameWidth + "s  %-18s %-14s %12s %16s%n";
        s.append(String.format(Locale.ROOT, format, "Layer", "Kind", "Output", "Params", "MACs"));
        for (Layer l : layers) {
            s.append(String.format(Locale.ROOT, format, l.name(), l.kind(), shape(l.output()),
                    String.format(Locale.ROOT, "%,d", l.params()), String.format(Locale.ROOT, "%,d", l.macs())));
        }
        s.append(String.format(Locale.ROOT, "Trainable parameters: %,d (%s)%n", params(), human(params())));
        s.append(String.format(Locale.ROOT, "Multiply-adds per image: %,d (%s)%n", macs(), human(macs())));
        return s.toString();
    }

    private static String kind(Block block) {
        if (block instanceof Conv2d conv) {
            Shape k = conv.getKernelShape();
            Shape stride = conv.getStride();
            return "Conv2d " + k.get(0) + "x" + k.get(1) + (stride.get(0) > 1 ? " /" + stride.get(0) : "");
        }
        if (block instanceof BatchNorm2d) {
            return "BatchNorm";
        }
        if (block instanceof Linear) {
            return "Linear";
        }
        if (block instanceof ZeroPadShortcut) {
            return "ZeroPad (option A)";
        }
        return block.getClass().getSimpleName();
    }

    private static long macs(Block block, Shape out) {
        if (block instanceof Conv2d) {
            Shape w = block.getDirectParameters().get("weight").getArray().getShape();
            // Each output element costs one multiply-add per weight of its filter: C_in/groups * kH * kW.
            return out.slice(1).size() * (w.get(1) * w.get(2) * w.get(3));
        }
        if (block instanceof Linear) {
            return block.getDirectParameters().get("weight").getArray().getShape().size();
        }
        return 0;
    }

    private static String shape(long[] dims) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            s.append(i == 0 ? "" : "x").append(dims[i]);
        }
        return s.toString();
    }

    /** 40.55M, 1.814G, 269.7K. */
    public static String human(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.3fG", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2fM", n / 1e6);
        }
        return n >= 1000 ? String.format(Locale.ROOT, "%.1fK", n / 1e3) : Long.toString(n);
    }
}
