package org.resnet4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.resnet4j.ResNet4jException;
import org.resnet4j.util.Json;

/**
 * Checkpoints written by PyTorch 1.13's own torch.save (bench/parity/checkpoints.py: zip and legacy
 * formats, bare and wrapped with 'module.' names, non-contiguous strides, float16, bfloat16 and
 * float64) import to networks whose logits match PyTorch's as the parity check requires (computed for
 * one file of each format and each dtype; the others must hold exactly the same weights); a
 * checkpoint whose pickle calls os.system is refused without running it.
 */
class PyTorchCheckpointTest {
    @TempDir static Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnet50", "resnet20"})
    void checkpointsFromTorchSaveGivePyTorchsLogits(String model) throws Exception {
        String missing = PyTorchExport.missing();
        assumeTrue(missing == null, () -> missing + ": skipping the checkpoints PyTorch writes");
        Path dir = tmp.resolve(model);
        run("bench/parity/checkpoints.py", model, dir.toString(), model.equals("resnet20") ? "--dtypes" : "--seed=0");
        JsonObject manifest = Json.read(dir.resolve("manifest.json"), JsonObject.class);
        List<String> files = new ArrayList<>();
        for (JsonElement e : manifest.getAsJsonArray("checkpoints")) {
            JsonObject c = e.getAsJsonObject();
            Path file = dir.resolve(c.get("file").getAsString());
            files.add(file.getFileName().toString());
            TorchCheckpoint.Contents contents = TorchCheckpoint.read(file);
            assertThat(contents.wrapper()).as(file.toString())
                    .isEqualTo(c.get("wrapper").isJsonNull() ? null : c.get("wrapper").getAsString());
            assertThat(contents.strippedPrefix()).as(file.toString()).isEqualTo(c.get("stripped").getAsBoolean());
            String logits = c.get("logits").getAsString();
            if (logits.equals("logits.npy") && !LOGIT_CHECKED.contains(file.getFileName().toString())) {
                // the exported weights exactly, so the logits are those of the files checked below
                Map<String, HostTensor> expected = canonical(WeightsFile.read(dir.resolve("weights.npz")));
                Map<String, HostTensor> actual = canonical(contents.stateDict());
                assertThat(actual.keySet()).as(file.toString()).isEqualTo(expected.keySet());
                expected.forEach((k, t) -> assertThat(actual.get(k).data()).as(file + " " + k).isEqualTo(t.data()));
                continue;
            }
            Parity.Result r = Parity.check(dir, file, dir.resolve(logits));
            assertThat(r.sameTop1()).as(file + ": " + r.describe()).isEqualTo(r.batch());
            assertThat(r.relative()).as(file + ": " + r.describe()).isLessThanOrEqualTo(Parity.TOLERANCE);
        }
        assertThat(files).contains("zip.pth", "legacy.pth", "zip-wrapped.pth.tar", "legacy-wrapped.pth.tar", "strided.pt");
        if (model.equals("resnet20")) {
            assertThat(files).contains("float16.pt", "bfloat16.pt", "float64.pt");
        }
        JsonObject evil = manifest.getAsJsonObject("evil");
        Path evilFile = dir.resolve(evil.get("file").getAsString());
        assertThatThrownBy(() -> WeightsFile.read(evilFile)).isInstanceOf(ResNet4jException.class)
                .hasMessageContaining("names " + evil.get("global").getAsString() + ", which is not on the allowlist");
        assertThat(Path.of(evil.get("marker").getAsString())).doesNotExist();
    }

    /** The files whose logits are computed and compared; the others must hold exactly the exported weights. */
    private static final List<String> LOGIT_CHECKED = List.of("zip.pth", "legacy-wrapped.pth.tar");

    private static Map<String, HostTensor> canonical(Map<String, HostTensor> weights) {
        Map<String, HostTensor> out = new java.util.TreeMap<>();
        weights.forEach((k, v) -> {
            if (!k.endsWith("num_batches_tracked")) {
                out.put(ResNetModel.canonicalName(k), v);
            }
        });
        return out;
    }

    private static void run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(log).isZero();
    }
}
