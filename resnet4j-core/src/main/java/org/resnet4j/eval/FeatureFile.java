package org.resnet4j.eval;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.resnet4j.ResNet4jException;
import org.resnet4j.model.HostTensor;
import org.resnet4j.model.WeightsFile;
import org.resnet4j.util.AtomicFiles;
import org.resnet4j.util.Half;
import org.resnet4j.util.Json;

/**
 * Features on disk: {@code NAME.npy} (an N x D float32 or float16 array, which NumPy reads with
 * {@code np.load}), {@code NAME.txt} (the N image files, one per line, in row order) and
 * {@code NAME.json} (the model directory, whether rows are L2-normalised, N, D, dtype). Each file
 * is written atomically.
 */
public final class FeatureFile {
    private FeatureFile() {}

    /** The list of files that goes with {@code npy}. */
    public static Path listFile(Path npy) {
        return sibling(npy, ".txt");
    }

    /** The description that goes with {@code npy}. */
    public static Path metaFile(Path npy) {
        return sibling(npy, ".json");
    }

    private static Path sibling(Path npy, String ext) {
        String name = npy.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        return npy.resolveSibling(stem + ext);
    }

    /** Writes the features of {@code r} to {@code npy} and its two companions; {@code meta} goes into the .json. */
    public static void write(Path npy, Embedder.Result r, boolean fp16, JsonObject meta) {
        int n = r.files().size();
        String header = String.format(Locale.ROOT, "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }",
                fp16 ? "<f2" : "<f4", n, r.dim());
        int unpadded = 10 + header.length() + 1;
        header += " ".repeat((64 - unpadded % 64) % 64) + "\n";
        byte[] head = header.getBytes(StandardCharsets.US_ASCII);
        String h = header;
        AtomicFiles.write(npy, out -> {
            ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            pre.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                    .putShort((short) h.length());
            out.write(pre.array());
            out.write(head);
            ByteBuffer data = ByteBuffer.allocate(r.features().length * (fp16 ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : r.features()) {
                if (fp16) {
                    data.putShort(Half.fromFloat(v));
                } else {
                    data.putFloat(v);
                }
            }
            out.write(data.array());
        });
        StringBuilder list = new StringBuilder();
        r.files().forEach(f -> list.append(f).append('\n'));
        AtomicFiles.writeString(listFile(npy), list.toString());
        JsonObject m = meta.deepCopy();
        m.addProperty("count", n);
        m.addProperty("dim", r.dim());
        m.addProperty("dtype", fp16 ? "float16" : "float32");
        m.addProperty("files", listFile(npy).getFileName().toString());
        Json.write(metaFile(npy), m);
    }

    /** Reads features written by {@link #write}; {@code flag} names the option in errors. */
    public static FeatureIndex read(Path npy, String flag) {
        if (!Files.isRegularFile(npy)) {
            throw new ResNet4jException(flag + " " + npy + ": no such file");
        }
        Path list = listFile(npy);
        if (!Files.isRegularFile(list)) {
            throw new ResNet4jException(flag + " " + npy + ": " + list.getFileName() + ", the list of its images, is missing");
        }
        try {
            HostTensor t = WeightsFile.readNpy(Files.readAllBytes(npy), npy.toString());
            List<Path> files = Files.readAllLines(list, StandardCharsets.UTF_8).stream().filter(s -> !s.isEmpty())
                    .map(Path::of).toList();
            if (t.shape().length != 2 || t.shape()[0] != files.size()) {
                throw new ResNet4jException(flag + " " + npy + ": holds an array of shape " + t.shapeString() + " but "
                        + list.getFileName() + " lists " + files.size() + " files");
            }
            JsonObject meta = Files.isRegularFile(metaFile(npy)) ? Json.read(metaFile(npy), JsonObject.class) : new JsonObject();
            return new FeatureIndex(files, t.data(), (int) t.shape()[1], meta);
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + npy + ": " + AtomicFiles.describe(e), e);
        }
    }
}
