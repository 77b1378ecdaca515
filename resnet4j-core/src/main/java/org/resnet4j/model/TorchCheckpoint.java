package org.resnet4j.model;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.resnet4j.ResNet4jException;
import org.resnet4j.model.TorchPickle.Dtype;
import org.resnet4j.model.TorchPickle.Storage;
import org.resnet4j.model.TorchPickle.TensorRef;
import org.resnet4j.util.AtomicFiles;
import org.resnet4j.util.Half;
import org.resnet4j.util.PickleReader;

/**
 * Reads a PyTorch checkpoint as {@code torch.save} writes it, executing nothing: the zip format
 * (PyTorch 1.6 and later: {@code PREFIX/data.pkl}, {@code PREFIX/data/KEY} per storage,
 * {@code version}, {@code byteorder}) and the legacy format (earlier versions, or
 * {@code _use_new_zipfile_serialization=False}: a magic-number pickle, the protocol version,
 * {@code sys_info}, the object's pickle, the sorted storage keys, then each storage as an element
 * count and raw little-endian bytes). The pickle may name only the globals of {@link TorchPickle}.
 *
 * <p>The file may hold a bare state_dict or a dict that holds one under {@link #WRAPPERS}; its other
 * entries (epoch, accuracy, architecture, optimizer state) are described, not used. A
 * {@code module.} prefix on every name (DataParallel) is stripped. Tensors of float32, float16,
 * bfloat16, float64 and the integer types, with any strides, become float32 {@link HostTensor}s.
 */
public final class TorchCheckpoint {
    /** Where a wrapping dict keeps its state_dict, in the order they are tried. */
    public static final List<String> WRAPPERS = List.of("state_dict", "model_state_dict", "model", "net", "module");
    private static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long LEGACY_PROTOCOL = 1001;
    private static final String MODULE_PREFIX = "module.";

    /**
     * What a checkpoint holds.
     *
     * @param stateDict the tensors, float32, by name ({@code module.} stripped)
     * @param format {@code zip} or {@code legacy}
     * @param wrapper the key of the wrapping dict that held the state_dict, or null for a bare one
     * @param otherEntries the wrapping dict's other entries, described ({@code epoch -> 90})
     * @param strippedPrefix whether a {@code module.} prefix was stripped
     * @param dtypes the element types of the state_dict's tensors as stored
     */
    public record Contents(Map<String, HostTensor> stateDict, String format, String wrapper,
            Map<String, String> otherEntries, boolean strippedPrefix, List<String> dtypes) {
        /** One line per fact worth telling the user. */
        public List<String> notes() {
            List<String> out = new ArrayList<>();
            out.add(("zip".equals(format) ? "PyTorch checkpoint, zip format (torch.save, PyTorch 1.6+)"
                    : "PyTorch checkpoint, legacy format (torch.save before PyTorch 1.6)") + ": " + stateDict.size()
                    + " tensors (" + String.join(", ", dtypes) + ")");
            if (wrapper != null) {
                out.add("state_dict read from the entry '" + wrapper + "'");
            }
            if (!otherEntries.isEmpty()) {
                List<String> parts = new ArrayList<>();
                otherEntries.forEach((k, v) -> parts.add(k + " = " + v));
                out.add("other entries (not needed): " + String.join(", ", parts));
            }
            if (strippedPrefix) {
                out.add("'module.' prefix stripped (DataParallel)");
            }
            return out;
        }
    }

    /** The bytes of one storage, in the file's byte order. */
    private interface StorageBytes {
        ByteBuffer get(Storage s);
    }

    private final String file;
    private final TorchPickle allowlist = new TorchPickle();

    private TorchCheckpoint(Path file) {
        this.file = file.toString();
    }

    /** Whether {@code zip} is a torch.save archive (it has a {@code PREFIX/data.pkl}). */
    static boolean isCheckpoint(ZipFile zip) {
        return dataPickle(zip) != null;
    }

    /** Whether a file starting with {@code head} may be a legacy checkpoint (a pickle). */
    static boolean isLegacy(byte[] head) {
        return head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5;
    }

    /** Reads a checkpoint in either format. */
    public static Contents read(Path file) {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 4) < 4) {
                throw new ResNet4jException(file + ": empty or truncated (" + Files.size(file) + " bytes), not a PyTorch checkpoint");
            }
        } catch (NoSuchFileException e) {
            throw new ResNet4jException(file + ": no such file");
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
        }
        TorchCheckpoint reader = new TorchCheckpoint(file);
        if (head[0] == 'P' && head[1] == 'K') {
            return reader.readZip(file);
        }
        if (isLegacy(head)) {
            return reader.readLegacy(file);
        }
        throw new ResNet4jException(file + ": not a PyTorch checkpoint (neither torch.save's zip format nor its legacy pickle format)");
    }

    private Contents readZip(Path path) {
        try (ZipFile zip = new ZipFile(path.toFile())) {
            ZipEntry pkl = dataPickle(zip);
            if (pkl == null) {
                throw new ResNet4jException(file + ": a zip archive without data.pkl, not a PyTorch checkpoint");
            }
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            if (zip.getEntry(prefix + "constants.pkl") != null || zip.getEntry(prefix + "code/") != null
                    || hasEntryUnder(zip, prefix + "code/")) {
                throw new ResNet4jException(file + ": a TorchScript archive (torch.jit.save), not a checkpoint of weights; "
                        + "in PyTorch, torch.save(model.state_dict(), FILE) writes one");
            }
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            ZipEntry byteorder = zip.getEntry(prefix + "byteorder");
            if (byteorder != null) {
                String o = new String(readEntry(zip, byteorder), StandardCharsets.US_ASCII).trim();
                if (o.equals("big")) {
                    order = ByteOrder.BIG_ENDIAN;
                } else if (!o.equals("little")) {
                    throw new ResNet4jException(file + ": unknown byte order '" + o + "'");
                }
            }
            Object top = PickleReader.read(readEntry(zip, pkl), file, allowlist);
            ByteOrder byteOrder = order;
            Map<String, ByteBuffer> cache = new HashMap<>();
            StorageBytes bytes = s -> cache.computeIfAbsent(s.key(), k -> {
                ZipEntry e = zip.getEntry(prefix + "data/" + k);
                if (e == null) {
                    throw new ResNet4jException(file + ": storage " + k + " is missing (no " + prefix + "data/" + k
                            + "; truncated or damaged checkpoint)");
                }
                return ByteBuffer.wrap(readEntry(zip, e)).order(byteOrder);
            });
            return contents(top, "zip", bytes);
        } catch (ZipException e) {
            throw new ResNet4jException(file + ": a damaged or truncated zip archive (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
        }
    }

    private static ZipEntry dataPickle(ZipFile zip) {
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
            ZipEntry entry = e.nextElement();
            String n = entry.getName();
            if (n.equals("data.pkl") || (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length())) {
                return entry;
            }
        }
        return null;
    }

    private static boolean hasEntryUnder(ZipFile zip, String dir) {
        return zip.stream().anyMatch(e -> e.getName().startsWith(dir));
    }

    private byte[] readEntry(ZipFile zip, ZipEntry e) {
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        } catch (IOException ex) {
            throw new ResNet4jException(file + ": cannot read " + e.getName() + " (" + AtomicFiles.describe(ex)
                    + "; truncated or damaged checkpoint?)");
        }
    }

    private Contents readLegacy(Path path) {
        byte[] b;
        try {
            if (Files.size(path) > Integer.MAX_VALUE - 64) {
                throw new ResNet4jException(file + ": a legacy checkpoint over 2 GB; re-save it in the zip format (torch.save in PyTorch 1.6+)");
            }
            b = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
        }
        PickleReader.Result magic = PickleReader.read(b, 0, file, allowlist);
        if (!MAGIC.equals(magic.value())) {
            throw new ResNet4jException(file + ": a Python pickle, but not a PyTorch checkpoint (no torch.save magic number)");
        }
        PickleReader.Result protocol = PickleReader.read(b, magic.end(), file, allowlist);
        if (!Long.valueOf(LEGACY_PROTOCOL).equals(protocol.value())) {
            throw new ResNet4jException(file + ": legacy checkpoint protocol " + protocol.value() + " is not supported ("
                    + LEGACY_PROTOCOL + " is)");
        }
        PickleReader.Result sysInfo = PickleReader.read(b, protocol.end(), file, allowlist);
        if (sysInfo.value() instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
            throw new ResNet4jException(file + ": written on a big-endian machine in the legacy format, which is not supported");
        }
        PickleReader.Result object = PickleReader.read(b, sysInfo.end(), file, allowlist);
        PickleReader.Result keys = PickleReader.read(b, object.end(), file, allowlist);
        if (!(keys.value() instanceof List<?> keyList)) {
            throw new ResNet4jException(file + ": malformed legacy checkpoint (no list of storage keys)");
        }
        Map<String, ByteBuffer> data = new HashMap<>();
        int at = keys.end();
        for (Object k : keyList) {
            Storage s = allowlist.storages.get(String.valueOf(k));
            if (s == null) {
                throw new ResNet4jException(file + ": malformed legacy checkpoint (storage " + k + " is not used by the pickle)");
            }
            if (b.length - at < 8) {
                throw new ResNet4jException(file + ": truncated (storage " + k + " should start at byte " + at
                        + ", the file ends at " + b.length + ")");
            }
            long numel = ByteBuffer.wrap(b, at, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            long length = numel * s.dtype().size;
            if (numel < 0 || length > b.length - at - 8L) {
                throw new ResNet4jException(file + ": truncated (storage " + k + " needs " + length + " bytes from byte "
                        + (at + 8) + ", the file ends at " + b.length + ")");
            }
            data.put(s.key(), ByteBuffer.wrap(b, at + 8, (int) length).slice().order(ByteOrder.LITTLE_ENDIAN));
            at += 8 + (int) length;
        }
        StorageBytes bytes = s -> {
            ByteBuffer buf = data.get(s.key());
            if (buf == null) {
                throw new ResNet4jException(file + ": malformed legacy checkpoint (no data for storage " + s.key() + ")");
            }
            return buf;
        };
        return contents(object.value(), "legacy", bytes);
    }

    /** Finds the state_dict in what the pickle held, and reads its tensors. */
    private Contents contents(Object top, String format, StorageBytes bytes) {
        Map<?, ?> stateDict;
        String wrapper = null;
        Map<String, String> other = new LinkedHashMap<>();
        if (isTensorDict(top)) {
            stateDict = (Map<?, ?>) top;
        } else if (top instanceof Map<?, ?> dict) {
            for (String w : WRAPPERS) {
                if (isTensorDict(dict.get(w))) {
                    wrapper = w;
                    break;
                }
            }
            if (wrapper == null) {
                throw new ResNet4jException(file + ": no state_dict in the checkpoint: it is a dict of "
                        + dict.keySet().stream().limit(8).map(String::valueOf).toList()
                        + " and none of " + WRAPPERS + " holds a dict of tensors");
            }
            stateDict = (Map<?, ?>) dict.get(wrapper);
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                if (!wrapper.equals(e.getKey())) {
                    other.put(String.valueOf(e.getKey()), describe(e.getValue(), bytes));
                }
            }
        } else {
            throw new ResNet4jException(file + ": the checkpoint holds " + (top instanceof TensorRef ? "a single tensor"
                    : PickleReader.describe(top)) + ", not a state_dict (a dict of tensors)");
        }
        boolean strip = stateDict.keySet().stream().allMatch(k -> String.valueOf(k).startsWith(MODULE_PREFIX));
        Map<String, HostTensor> out = new LinkedHashMap<>();
        TreeSet<String> dtypes = new TreeSet<>();
        for (Map.Entry<?, ?> e : stateDict.entrySet()) {
            String name = String.valueOf(e.getKey());
            TensorRef t = (TensorRef) e.getValue();
            dtypes.add(t.storage().dtype().label);
            out.put(strip ? name.substring(MODULE_PREFIX.length()) : name, materialize(name, t, bytes.get(t.storage())));
        }
        return new Contents(Collections.unmodifiableMap(out), format, wrapper, other, strip, List.copyOf(dtypes));
    }

    private static boolean isTensorDict(Object o) {
        return o instanceof Map<?, ?> m && !m.isEmpty()
                && m.entrySet().stream().allMatch(e -> e.getKey() instanceof String && e.getValue() instanceof TensorRef);
    }

    private String describe(Object v, StorageBytes bytes) {
        if (v instanceof String s) {
            return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
        }
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%.6g", d);
        }
        if (v instanceof TensorRef t) {
            if (t.numel() == 1) {
                float x = materialize("value", t, bytes.get(t.storage())).data()[0];
                return String.format(Locale.ROOT, "%.6g", x) + " (tensor)";
            }
            return "tensor " + t.shapeString();
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            return "(" + PickleReader.describe(v) + ")";
        }
        return String.valueOf(v == null ? "None" : v);
    }

    /** The tensor's elements in row-major order as float32, read through its strides. */
    private HostTensor materialize(String name, TensorRef t, ByteBuffer data) {
        Storage s = t.storage();
        long numel = t.numel();
        if (numel > Integer.MAX_VALUE) {
            throw new ResNet4jException(file + ": tensor " + name + " has " + numel + " elements, too many");
        }
        long last = s.elementOffset() + t.offset();
        for (int d = 0; d < t.size().length; d++) {
            last += t.size()[d] == 0 ? 0 : (t.size()[d] - 1) * t.stride()[d];
        }
        long available = Math.min(data.capacity() / s.dtype().size, s.elementOffset() + s.numel());
        if (numel > 0 && last >= available) {
            throw new ResNet4jException(file + ": tensor " + name + " " + t.shapeString() + " reaches element " + last
                    + " of a storage of " + available + " (truncated or damaged checkpoint)");
        }
        float[] out = new float[(int) numel];
        int dims = t.size().length;
        long[] index = new long[dims];
        long pos = s.elementOffset() + t.offset();
        if (s.dtype() == Dtype.FLOAT32 && isContiguous(t)) {
            data.duplicate().order(data.order()).position((int) (pos * 4)).slice().order(data.order()).asFloatBuffer().get(out);
            return new HostTensor(t.size(), out);
        }
        for (int k = 0; k < out.length; k++) {
            out[k] = element(data, s.dtype(), (int) pos);
            for (int d = dims - 1; d >= 0; d--) {
                index[d]++;
                pos += t.stride()[d];
                if (index[d] < t.size()[d]) {
                    break;
                }
                pos -= t.stride()[d] * t.size()[d];
                index[d] = 0;
            }
        }
        return new HostTensor(t.size(), out);
    }

    private static boolean isContiguous(TensorRef t) {
        long expected = 1;
        for (int d = t.size().length - 1; d >= 0; d--) {
            if (t.size()[d] != 1 && t.stride()[d] != expected) {
                return false;
            }
            expected *= t.size()[d];
        }
        return true;
    }

    private static float element(ByteBuffer data, Dtype dtype, int i) {
        return switch (dtype) {
            case FLOAT32 -> data.getFloat(i * 4);
            case FLOAT64 -> (float) data.getDouble(i * 8);
            case FLOAT16 -> Half.toFloat(data.getShort(i * 2));
            case BFLOAT16 -> Half.bfloat16ToFloat(data.getShort(i * 2));
            case INT64 -> data.getLong(i * 8);
            case INT32 -> data.getInt(i * 4);
            case INT16 -> data.getShort(i * 2);
            case INT8 -> data.get(i);
            case UINT8, BOOL -> data.get(i) & 0xff;
        };
    }
}
