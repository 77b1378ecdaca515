package org.resnet4j.dataset;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * torchvision's side of the parity tests: cases collected here run in one Python process
 * ({@code src/test/resources/parity/torchvision_transforms.py}, PyTorch 1.13 and torchvision 0.14
 * from Debian at /usr/bin/python3), which writes each result for the test to compare.
 */
final class Torchvision {
    static final String PYTHON = "/usr/bin/python3";

    private final Path dir;
    private final JsonArray cases = new JsonArray();

    Torchvision(Path dir) {
        this.dir = dir;
    }

    /** Null when torchvision runs here, else why not (for the skip message). */
    static String unavailable() {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return PYTHON + " not found";
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, torchvision, PIL").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "torch/torchvision do not import in " + PYTHON + " (bash .ci/install installs them): " + out.strip();
            }
            return null;
        } catch (IOException e) {
            return "cannot run " + PYTHON + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** A case on a decoded picture (bytes: a PIL image; floats: a CHW tensor); its output's index. */
    int add(String op, Picture in, JsonObject params) {
        int id = cases.size();
        String file = "in" + id + ".raw";
        JsonObject input = new JsonObject();
        input.addProperty("file", file);
        input.addProperty("h", in.height());
        input.addProperty("w", in.width());
        input.addProperty("c", in.channels());
        try {
            if (in.isFloat()) {
                ByteBuffer b = ByteBuffer.allocate(in.floats().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(in.floats());
                Files.write(dir.resolve(file), b.array());
                input.addProperty("dtype", "f32");
            } else {
                Files.write(dir.resolve(file), in.bytes());
                input.addProperty("dtype", "u8");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return add(op, input, params);
    }

    /** A case on an image file's bytes, opened by PIL. */
    int addFile(String op, Path file, JsonObject params) {
        JsonObject input = new JsonObject();
        input.addProperty("file", dir.relativize(file).toString());
        input.addProperty("dtype", "encoded");
        return add(op, input, params);
    }

    private int add(String op, JsonObject input, JsonObject params) {
        int id = cases.size();
        JsonObject c = new JsonObject();
        c.addProperty("op", op);
        c.add("input", input);
        c.add("params", params == null ? new JsonObject() : params);
        c.addProperty("output", "out" + id + ".raw");
        cases.add(c);
        return id;
    }

    /** Runs every case; fails with Python's output when it fails. */
    void run() throws IOException, InterruptedException {
        JsonObject job = new JsonObject();
        job.add("cases", cases);
        Files.writeString(dir.resolve("job.json"), job.toString());
        Path script = dir.resolve("torchvision_transforms.py");
        try (InputStream in = Torchvision.class.getResourceAsStream("/parity/torchvision_transforms.py")) {
            Files.write(script, in.readAllBytes());
        }
        Process p = new ProcessBuilder(PYTHON, script.toString(), dir.resolve("job.json").toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("torchvision failed: " + out);
        }
    }

    byte[] bytes(int id) throws IOException {
        return Files.readAllBytes(dir.resolve("out" + id + ".raw"));
    }

    float[] floats(int id) throws IOException {
        byte[] raw = Files.readAllBytes(dir.resolve("out" + id + ".raw"));
        float[] f = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
