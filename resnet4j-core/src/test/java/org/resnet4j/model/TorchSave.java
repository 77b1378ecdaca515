package org.resnet4j.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes files as {@code torch.save} does (zip and legacy formats, pickle protocol 2), from Java
 * values, so that the checkpoint reader is tested without PyTorch: maps become OrderedDicts (or
 * dicts, {@link PlainDict}), strings, longs, doubles and booleans themselves, lists tuples,
 * {@link Tensor}s {@code _rebuild_tensor_v2} calls on storages, {@link Call}s any global call.
 */
public final class TorchSave {
    /** A strided view of the storage {@code key} of type {@code type} (e.g. FloatStorage). */
    public record Tensor(String key, String type, long offset, long[] size, long[] stride) {}

    /** A call of {@code module.name(*args)}: how a pickle runs code. */
    public record Call(String module, String name, List<Object> args) {}

    /** A plain dict rather than an OrderedDict. */
    public record PlainDict(Map<String, Object> entries) {}

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, byte[]> storages;
    private final Map<String, Long> numels;
    private final boolean legacy;

    private TorchSave(Map<String, byte[]> storages, Map<String, Long> numels, boolean legacy) {
        this.storages = storages;
        this.numels = numels;
        this.legacy = legacy;
    }

    /** The element count of each storage: its bytes over the element size of the type that uses it. */
    private static long numel(byte[] data, String type) {
        int size = switch (type) {
            case "DoubleStorage", "LongStorage" -> 8;
            case "HalfStorage", "BFloat16Storage", "ShortStorage" -> 2;
            case "ByteStorage", "CharStorage", "BoolStorage" -> 1;
            default -> 4;
        };
        return data.length / size;
    }

    /** Writes {@code obj} in the zip format; {@code storages} by key, as little-endian bytes. */
    public static void zip(Path file, Object obj, Map<String, byte[]> storages, Map<String, String> types) throws IOException {
        TorchSave p = new TorchSave(storages, numels(storages, types), false);
        byte[] pickle = p.pickle(obj);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            put(zip, "archive/data.pkl", pickle);
            put(zip, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> e : new TreeMap<>(storages).entrySet()) {
                put(zip, "archive/data/" + e.getKey(), e.getValue());
            }
            put(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Writes {@code obj} in the legacy format. */
    public static void legacy(Path file, Object obj, Map<String, byte[]> storages, Map<String, String> types) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        Map<String, Long> numels = numels(storages, types);
        TorchSave header = new TorchSave(storages, numels, true);
        // magic number 0x1950a86a20f9469cfc6c as LONG1, little-endian
        header.out.write(new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9,
            0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, '.'});
        all.write(header.out.toByteArray());
        all.write(new TorchSave(storages, numels, true).pickle(1001L));
        all.write(new TorchSave(storages, numels, true).pickle(new PlainDict(Map.of("protocol_version", 1001L,
                "little_endian", true, "type_sizes", new PlainDict(Map.of("short", 2L, "int", 4L, "long", 4L))))));
        all.write(new TorchSave(storages, numels, true).pickle(obj));
        List<String> keys = new ArrayList<>(new TreeMap<>(storages).keySet());
        all.write(new TorchSave(storages, numels, true).pickle(new ArrayList<Object>(keys)));
        for (String k : keys) {
            all.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(numels.get(k)).array());
            all.write(storages.get(k));
        }
        Files.write(file, all.toByteArray());
    }

    /**
     * Writes float32 {@code weights} as torch.save would write {@code model.state_dict()}: bare when
     * {@code extra} is null, else in a dict with {@code extra}'s entries and the state_dict under
     * {@code state_dict}; every name gets {@code prefix} (e.g. {@code module.}).
     */
    public static void stateDict(Path file, Map<String, HostTensor> weights, boolean legacy, String prefix,
            Map<String, Object> extra) throws IOException {
        Map<String, byte[]> storages = new java.util.LinkedHashMap<>();
        Map<String, String> types = new java.util.LinkedHashMap<>();
        Map<String, Object> sd = new java.util.LinkedHashMap<>();
        int key = 0;
        for (Map.Entry<String, HostTensor> e : weights.entrySet()) {
            String k = Integer.toString(key++);
            storages.put(k, f32(e.getValue().data()));
            types.put(k, "FloatStorage");
            long[] shape = e.getValue().shape();
            long[] stride = new long[shape.length];
            long s = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                stride[d] = s;
                s *= shape[d];
            }
            sd.put(prefix + e.getKey(), new Tensor(k, "FloatStorage", 0, shape, stride));
        }
        Object obj = sd;
        if (extra != null) {
            Map<String, Object> wrapped = new java.util.LinkedHashMap<>(extra);
            wrapped.put("state_dict", sd);
            obj = wrapped;
        }
        if (legacy) {
            legacy(file, obj, storages, types);
        } else {
            zip(file, obj, storages, types);
        }
    }

    /** A pickle of {@code obj} alone (protocol 2). */
    public static byte[] pickleOf(Object obj) {
        return new TorchSave(Map.of(), Map.of(), false).pickle(obj);
    }

    private static Map<String, Long> numels(Map<String, byte[]> storages, Map<String, String> types) {
        Map<String, Long> n = new TreeMap<>();
        storages.forEach((k, v) -> n.put(k, numel(v, types.get(k))));
        return n;
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    private byte[] pickle(Object obj) {
        out.write(0x80);
        out.write(2);
        write(obj);
        out.write('.');
        return out.toByteArray();
    }

    private void write(Object o) {
        if (o == null) {
            out.write('N');
        } else if (o instanceof Boolean b) {
            out.write(b ? 0x88 : 0x89);
        } else if (o instanceof Long l) {
            if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                out.write('J');
                bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) (long) l).array());
            } else {
                out.write(0x8a);
                out.write(8);
                bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(l).array());
            }
        } else if (o instanceof Double d) {
            out.write('G');
            bytes(ByteBuffer.allocate(8).putDouble(d).array());
        } else if (o instanceof String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            out.write('X');
            bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
            bytes(utf8);
        } else if (o instanceof List<?> list) {
            if (o instanceof ArrayList<?>) { // a Python list
                out.write(']');
                out.write('(');
                list.forEach(this::write);
                out.write('e');
            } else {
                out.write('(');
                list.forEach(this::write);
                out.write('t');
            }
        } else if (o instanceof PlainDict d) {
            out.write('}');
            d.entries().forEach((k, v) -> {
                write(k);
                write(v);
                out.write('s');
            });
        } else if (o instanceof Map<?, ?> m) {
            global("collections", "OrderedDict");
            out.write(')');
            out.write('R');
            m.forEach((k, v) -> {
                write(k);
                write(v);
                out.write('s');
            });
        } else if (o instanceof Tensor t) {
            global("torch._utils", "_rebuild_tensor_v2");
            out.write('(');
            out.write('(');
            write("storage");
            global("torch", t.type());
            write(t.key());
            write("cpu");
            write(numels.get(t.key()));
            if (legacy) {
                write(null);
            }
            out.write('t');
            out.write('Q');
            write(t.offset());
            write(boxed(t.size()));
            write(boxed(t.stride()));
            write(false);
            write(Map.of());
            out.write('t');
            out.write('R');
        } else if (o instanceof Call c) {
            global(c.module(), c.name());
            write(c.args());
            out.write('R');
        } else {
            throw new IllegalArgumentException("cannot pickle " + o);
        }
    }

    private static List<Object> boxed(long[] v) {
        return java.util.Arrays.stream(v).boxed().map(x -> (Object) x).toList();
    }

    private void global(String module, String name) {
        bytes(("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void bytes(byte[] b) {
        out.write(b, 0, b.length);
    }

    /** Little-endian float32 bytes. */
    public static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    /** Little-endian float64 bytes. */
    public static byte[] f64(double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }

    /** Little-endian 16-bit patterns. */
    public static byte[] u16(short... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short x : v) {
            b.putShort(x);
        }
        return b.array();
    }

    /** Little-endian int64 bytes. */
    public static byte[] i64(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }
}
