package org.resnet4j.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.resnet4j.ResNet4jException;
import org.resnet4j.util.AtomicFiles;

/**
 * PyTorch {@code state_dict}s on disk: NumPy {@code .npz} ({@code np.savez(f, **state_dict)}) and
 * {@code .safetensors}, read into float32 tensors by name; safetensors is also what ResNet4J's own
 * model directories store, so PyTorch can read them back.
 */
public final class WeightsFile {
    private static final Pattern NPY_DESCR = Pattern.compile("'descr':\\s*'([<>|=]?)([a-z])(\\d+)'");
    private static final Pattern NPY_FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern NPY_SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private WeightsFile() {}

    /** Tensors read from a file, and what is worth telling about the file (its format, other entries). */
    public record Loaded(Map<String, HostTensor> tensors, List<String> notes) {}

    /**
     * Reads a PyTorch checkpoint ({@link TorchCheckpoint}), a .npz or a .safetensors file (by content,
     * not by name).
     */
    public static Map<String, HostTensor> read(Path file) {
        return load(file).tensors();
    }

    /** As {@link #read}, with notes on the file. */
    public static Loaded load(Path file) {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(magic, 0, 4);
            if (n < 4) {
                throw new ResNet4jException(file + ": empty or truncated (" + n + " bytes), not a weights file");
            }
        } catch (NoSuchFileException e) {
            throw new ResNet4jException(file + ": no such file");
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
        }
        if (magic[0] == 'P' && magic[1] == 'K') {
            boolean torch;
            try (ZipFile zip = new ZipFile(file.toFile())) {
                torch = TorchCheckpoint.isCheckpoint(zip);
            } catch (ZipException e) {
                throw new ResNet4jException(file + ": a damaged or truncated zip archive (" + e.getMessage() + ")");
            } catch (IOException e) {
                throw new ResNet4jException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
            }
            if (torch) {
                TorchCheckpoint.Contents c = TorchCheckpoint.read(file);
                return new Loaded(c.stateDict(), c.notes());
            }
            return new Loaded(readNpz(file), List.of());
        }
        if (TorchCheckpoint.isLegacy(magic)) {
            TorchCheckpoint.Contents c = TorchCheckpoint.read(file);
            return new Loaded(c.stateDict(), c.notes());
        }
        return new Loaded(readSafetensors(file), List.of());
    }

    /** Reads a NumPy .npz archive of arrays (float32, float64 or integer; integers are converted). */
    public static Map<String, HostTensor> readNpz(Path file) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                if (entry.isDirectory() || !entry.getName().endsWith(".npy")) {
                    continue;
                }
                String name = entry.getName().substring(0, entry.getName().length() - 4);
                try (InputStream in = zip.getInputStream(entry)) {
                    out.put(name, readNpy(in.readAllBytes(), file + "[" + entry.getName() + "]"));
                }
            }
        } catch (ZipException e) {
            throw new ResNet4jException(file + ": not a valid .npz archive (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
        }
        if (out.isEmpty()) {
            throw new ResNet4jException(file + ": a zip archive with neither data.pkl (torch.save) nor .npy arrays (np.savez): not a weights file");
        }
        return out;
    }

    /** Parses one .npy array (format versions 1 to 3, C order). */
    public static HostTensor readNpy(byte[] bytes, String where) {
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new ResNet4jException(where + ": not a .npy array");
        }
        int major = bytes[6];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = major == 1 ? Short.toUnsignedInt(buf.getShort(8)) : buf.getInt(8);
        int headerStart = major == 1 ? 10 : 12;
        if (headerStart + headerLength > bytes.length) {
            throw new ResNet4jException(where + ": truncated .npy header");
        }
        String header = new String(bytes, headerStart, headerLength, StandardCharsets.ISO_8859_1);
        Matcher descr = NPY_DESCR.matcher(header);
        Matcher fortran = NPY_FORTRAN.matcher(header);
        Matcher shapeMatch = NPY_SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeMatch.find()) {
            throw new ResNet4jException(where + ": unreadable .npy header " + header.trim());
        }
        if (fortran.group(1).equals("True")) {
            throw new ResNet4jException(where + ": Fortran-ordered arrays are not supported");
        }
        List<Long> dims = new ArrayList<>();
        for (String d : shapeMatch.group(1).split(",")) {
            if (!d.isBlank()) {
                dims.add(Long.parseLong(d.trim()));
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        ByteOrder order = descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        String dtype = descr.group(2) + descr.group(3);
        ByteBuffer data = ByteBuffer.wrap(bytes, headerStart + headerLength, bytes.length - headerStart - headerLength)
                .slice().order(order);
        return decode(data, dtype, shape, where);
    }

    /** Reads a .safetensors file: 8-byte header length, JSON header, raw little-endian data. */
    public static Map<String, HostTensor> readSafetensors(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer lengthBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(lengthBuf, 0);
            long headerLength = lengthBuf.getLong(0);
            if (size < 8 || headerLength <= 1 || headerLength > size - 8 || headerLength > 100_000_000L) {
                throw new ResNet4jException(file + ": not a weights file: neither a PyTorch checkpoint (.pth, .pt, ...), a .npz archive nor a .safetensors file");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLength);
            ch.read(headerBuf, 8);
            JsonObject header;
            try {
                header = JsonParser.parseString(new String(headerBuf.array(), StandardCharsets.UTF_8)).getAsJsonObject();
            } catch (RuntimeException e) {
                throw new ResNet4jException(file + ": not a weights file: neither a PyTorch checkpoint, a .npz archive nor a .safetensors file (bad header)");
            }
            long dataStart = 8 + headerLength;
            Map<String, HostTensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonObject t = e.getValue().getAsJsonObject();
                long begin = t.getAsJsonArray("data_offsets").get(0).getAsLong();
                long end = t.getAsJsonArray("data_offsets").get(1).getAsLong();
                if (dataStart + end > size || begin > end) {
                    throw new ResNet4jException(file + ": truncated (tensor " + e.getKey() + " ends at byte "
                            + (dataStart + end) + ", the file has " + size + ")");
                }
                long[] shape = new long[t.getAsJsonArray("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.getAsJsonArray("shape").get(i).getAsLong();
                }
                ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                ch.read(data, dataStart + begin);
                data.flip();
                String dtype = safetensorsDtype(t.get("dtype").getAsString(), file + "[" + e.getKey() + "]");
                out.put(e.getKey(), decode(data, dtype, shape, file + "[" + e.getKey() + "]"));
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new ResNet4jException(file + ": no such file");
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** Writes float32 tensors as .safetensors, atomically, with optional string metadata. */
    public static void writeSafetensors(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) {
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            JsonObject t = new JsonObject();
            t.addProperty("dtype", "F32");
            com.google.gson.JsonArray shape = new com.google.gson.JsonArray();
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            com.google.gson.JsonArray offsets = new com.google.gson.JsonArray();
            offsets.add(offset);
            offset += 4L * e.getValue().data().length;
            offsets.add(offset);
            t.add("data_offsets", offsets);
            header.add(e.getKey(), t);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
            out.write(len.array());
            out.write(json);
            for (int i = json.length; i < padded; i++) {
                out.write(' ');
            }
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (HostTensor t : tensors.values()) {
                for (float v : t.data()) {
                    if (!chunk.hasRemaining()) {
                        out.write(chunk.array(), 0, chunk.position());
                        chunk.clear();
                    }
                    chunk.putFloat(v);
                }
            }
            out.write(chunk.array(), 0, chunk.position());
        });
    }

    private static String safetensorsDtype(String dtype, String where) {
        switch (dtype) {
            case "F32": return "f4";
            case "F64": return "f8";
            case "I64": return "i8";
            case "I32": return "i4";
            default: throw new ResNet4jException(where + ": dtype " + dtype + " is not supported (save float32)");
        }
    }

    private static HostTensor decode(ByteBuffer data, String dtype, long[] shape, String where) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        int itemSize = Integer.parseInt(dtype.substring(1));
        if (data.remaining() < count * itemSize) {
            throw new ResNet4jException(where + ": truncated (" + data.remaining() + " bytes for " + count
                    + " values of " + itemSize + " bytes)");
        }
        float[] values = new float[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) {
            switch (dtype) {
                case "f4": values[i] = data.getFloat(); break;
                case "f8": values[i] = (float) data.getDouble(); break;
                case "f2": values[i] = org.resnet4j.util.Half.toFloat(data.getShort()); break;
                case "i8": values[i] = data.getLong(); break;
                case "i4": values[i] = data.getInt(); break;
                case "u1": values[i] = data.get() & 0xff; break;
                case "b1": values[i] = data.get(); break;
                default: throw new ResNet4jException(where + ": dtype " + dtype + " is not supported (save float32)");
            }
        }
        return new HostTensor(shape, values);
    }

}
