package org.resnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
    @TempDir Path tmp;

    @Test
    void trainBenchmarkReportsSpeedAndBreakdownAndWritesAProfileOfTheStep() throws Exception {
        Path trace = tmp.resolve("trace.json");
        CliRun r = CliRun.of("bench", "--model", "resnet8", "--mode", "train", "--batch-size", "4", "--iters", "2",
                "--warmup", "1", "--threads", "1", "--json", "--profile", trace.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(json.get("images_per_sec").getAsDouble()).isPositive();
        JsonObject breakdown = json.getAsJsonObject("breakdown");
        assertThat(breakdown.keySet()).contains("forward", "backward", "optimizer");
        double sum = breakdown.entrySet().stream().mapToDouble(e -> e.getValue().getAsDouble()).sum();
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));

        Set<String> ops = new HashSet<>();
        JsonElement root = JsonParser.parseString(Files.readString(trace)); // Chrome trace: an array of events
        JsonArray events = root.isJsonArray() ? root.getAsJsonArray() : root.getAsJsonObject().getAsJsonArray("traceEvents");
        for (JsonElement e : events) {
            if (e.getAsJsonObject().has("name")) {
                ops.add(e.getAsJsonObject().get("name").getAsString());
            }
        }
        // resnet8: 7 convolutions forward and backward, batch norms, the update
        assertThat(ops).contains("aten::convolution", "aten::convolution_backward", "aten::native_batch_norm");
        assertThat(tmp.resolve("trace.json.part")).doesNotExist();
    }

    @Test
    void profileIsRefusedWhereItCannotBeWritten() {
        CliRun data = CliRun.of("bench", "--mode", "data", "--profile", tmp.resolve("t.json").toString());
        assertThat(data.code()).isNotZero();
        assertThat(data.err()).contains("--profile: only for --mode train or infer");
        CliRun noDir = CliRun.of("bench", "--mode", "train", "--profile", tmp.resolve("absent/t.json").toString());
        assertThat(noDir.code()).isNotZero();
        assertThat(noDir.err()).contains("--profile: no directory");
    }
}
