package org.resnet4j.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.resnet4j.util.PickleReader;

/**
 * What a {@code torch.save} pickle may name, as {@code torch.load(weights_only=True)} allows: the
 * ordered dict, the tensor and parameter rebuild functions of {@code torch._utils}, the storage
 * types, {@code torch.Size} and {@code _codecs.encode} (bytes). Tensors come back as
 * {@link TensorRef}s into {@link Storage}s whose bytes the caller supplies later, by key.
 */
final class TorchPickle implements PickleReader.Allowlist {
    /** A storage element type: its name in torch, bytes per element, how to read one as float. */
    enum Dtype {
        FLOAT32("float32", 4), FLOAT64("float64", 8), FLOAT16("float16", 2), BFLOAT16("bfloat16", 2),
        INT64("int64", 8), INT32("int32", 4), INT16("int16", 2), INT8("int8", 1), UINT8("uint8", 1), BOOL("bool", 1);

        final String label;
        final int size;

        Dtype(String label, int size) {
            this.label = label;
            this.size = size;
        }
    }

    private static final Map<String, Dtype> STORAGES = Map.of(
            "torch.FloatStorage", Dtype.FLOAT32, "torch.DoubleStorage", Dtype.FLOAT64,
            "torch.HalfStorage", Dtype.FLOAT16, "torch.BFloat16Storage", Dtype.BFLOAT16,
            "torch.LongStorage", Dtype.INT64, "torch.IntStorage", Dtype.INT32, "torch.ShortStorage", Dtype.INT16,
            "torch.CharStorage", Dtype.INT8, "torch.ByteStorage", Dtype.UINT8, "torch.BoolStorage", Dtype.BOOL);
    private static final String ORDERED_DICT = "collections.OrderedDict";
    private static final String REBUILD_TENSOR = "torch._utils._rebuild_tensor";
    private static final String REBUILD_TENSOR_V2 = "torch._utils._rebuild_tensor_v2";
    private static final String REBUILD_PARAMETER = "torch._utils._rebuild_parameter";
    private static final String REBUILD_PARAMETER_WITH_STATE = "torch._utils._rebuild_parameter_with_state";
    private static final String SIZE = "torch.Size";
    private static final String ENCODE = "_codecs.encode";
    private static final Set<String> CALLABLE = Set.of(ORDERED_DICT, REBUILD_TENSOR, REBUILD_TENSOR_V2, REBUILD_PARAMETER,
            REBUILD_PARAMETER_WITH_STATE, SIZE, ENCODE);

    /** Every global a checkpoint may name, sorted (for messages and documentation). */
    static Set<String> allowlist() {
        Set<String> all = new TreeSet<>(CALLABLE);
        all.addAll(STORAGES.keySet());
        return all;
    }

    /**
     * A storage: {@code numel} elements of {@code dtype}, found under {@code key} ({@code data/KEY}
     * in a zip checkpoint, the key list of a legacy one), starting {@code elementOffset} elements in
     * (legacy views only).
     */
    record Storage(String key, Dtype dtype, long numel, long elementOffset) {}

    /** A tensor: a strided view of a storage, as {@code torch._utils._rebuild_tensor_v2} makes. */
    record TensorRef(Storage storage, long offset, long[] size, long[] stride) {
        long numel() {
            return Arrays.stream(size).reduce(1, (a, b) -> a * b);
        }

        String shapeString() {
            return Arrays.toString(size).replace(" ", "");
        }
    }

    /** Storages by key, as the pickle named them. */
    final Map<String, Storage> storages = new LinkedHashMap<>();

    @Override
    public boolean allows(String global) {
        return CALLABLE.contains(global) || STORAGES.containsKey(global);
    }

    @Override
    public String refusal(String global) {
        return "the checkpoint names " + global + ", which is not on the allowlist of tensor-rebuilding globals (as "
                + "torch.load(weights_only=True)); refused without running anything. A pickled model or other object? "
                + "Save model.state_dict() instead";
    }

    @Override
    public Object call(String global, List<Object> args) {
        switch (global) {
            case ORDERED_DICT -> {
                Map<Object, Object> d = new LinkedHashMap<>();
                if (!args.isEmpty() && args.get(0) instanceof List<?> pairs) {
                    for (Object p : pairs) {
                        if (p instanceof List<?> kv && kv.size() == 2) {
                            d.put(kv.get(0), kv.get(1));
                        }
                    }
                }
                return d;
            }
            case REBUILD_TENSOR, REBUILD_TENSOR_V2 -> {
                if (args.size() < 4 || !(args.get(0) instanceof Storage s) || !(args.get(1) instanceof Long offset)
                        || !(args.get(2) instanceof List<?> size) || !(args.get(3) instanceof List<?> stride)
                        || size.size() != stride.size()) {
                    throw new IllegalArgumentException("malformed checkpoint (" + global + " with unexpected arguments)");
                }
                return new TensorRef(s, offset, longs(size), longs(stride));
            }
            case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                if (args.isEmpty() || !(args.get(0) instanceof TensorRef t)) {
                    throw new IllegalArgumentException("malformed checkpoint (" + global + " without a tensor)");
                }
                return t;
            }
            case SIZE -> {
                return args.isEmpty() ? List.of() : args.get(0);
            }
            case ENCODE -> {
                return PickleReader.latin1(args);
            }
            default -> throw new IllegalArgumentException("the pickle calls " + global + ", which only names a type");
        }
    }

    /** An ordered dict's attributes (a state_dict's {@code _metadata}) are not needed. */
    @Override
    public void build(Object target, Object state) {
        if (!(target instanceof Map<?, ?>)) {
            PickleReader.Allowlist.super.build(target, state);
        }
    }

    /**
     * {@code ('storage', TYPE, KEY, LOCATION, NUMEL)} (zip format) or the same with a sixth item,
     * the view: None or {@code (VIEW_KEY, OFFSET, SIZE)} (legacy format).
     */
    @Override
    public Object persistent(Object pid) {
        if (!(pid instanceof List<?> t) || t.size() < 5 || !"storage".equals(t.get(0))
                || !(t.get(1) instanceof PickleReader.Global type) || !(t.get(2) instanceof String key)
                || !(t.get(4) instanceof Long numel)) {
            throw new IllegalArgumentException("malformed checkpoint (unexpected persistent id " + pid + ")");
        }
        Dtype dtype = STORAGES.get(type.qualified());
        if (dtype == null) {
            throw new IllegalArgumentException("a storage of type " + type.qualified() + ", which is not supported");
        }
        Storage root = storages.computeIfAbsent(key, k -> new Storage(k, dtype, numel, 0));
        if (t.size() > 5 && t.get(5) instanceof List<?> view && view.size() == 3 && view.get(1) instanceof Long offset
                && view.get(2) instanceof Long viewSize) {
            return new Storage(root.key(), dtype, viewSize, offset);
        }
        return root;
    }

    private static long[] longs(List<?> values) {
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(values.get(i) instanceof Long v) || v < 0) {
                throw new IllegalArgumentException("malformed checkpoint (a tensor size or stride " + values.get(i) + ")");
            }
            out[i] = v;
        }
        return out;
    }
}
