package org.resnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --precision}: a value other than fp32 or bf16 is one line naming the flag and exit code 2, before any work. */
class PrecisionFlagTest {
    static final String BAD = "resnet4j: --precision: expected fp32 or bf16, not 'fp16'";

    @TempDir Path tmp;

    @Test
    void everyCommandRejectsABadValueWithOneLine() throws Exception {
        Path image = tmp.resolve("missing.png"); // never read: the flag is checked first
        String model = "models/resnet20-cifar10";
        String[][] commands = {
            {"train", "--precision", "fp16", "--out", tmp.resolve("run").toString()},
            {"eval", "--model-dir", model, "--dataset", "cifar10", "--data", tmp.toString(), "--precision", "fp16"},
            {"predict", "--model-dir", model, "--precision", "fp16", image.toString()},
            {"embed", "--model-dir", model, "--out", tmp.resolve("f.npy").toString(), "--precision", "fp16", image.toString()},
            {"bench", "--mode", "infer", "--precision", "fp16"},
        };
        for (String[] args : commands) {
            CliRun r = CliRun.of(args);
            assertThat(r.code()).as(args[0]).isEqualTo(2);
            assertThat(r.err().strip()).as(args[0]).isEqualTo(BAD);
            assertThat(r.out()).as(args[0]).isEmpty();
        }
        assertThat(tmp.resolve("run")).doesNotExist();
        assertThat(tmp.resolve("f.npy")).doesNotExist();
    }

    @Test
    void aConfigFilesBadValueNamesTheFileAndResumeKeepsTheRunsPrecision() throws Exception {
        Path config = tmp.resolve("run.json");
        Files.writeString(config, "{\"precision\": \"half\"}");
        CliRun r = CliRun.of("train", "--config", config.toString(), "--out", tmp.resolve("run").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("resnet4j: --config " + config + ": precision: expected fp32 or bf16, not 'half'");

        CliRun resume = CliRun.of("train", "--resume", tmp.resolve("run").toString(), "--precision", "fp32");
        assertThat(resume.code()).isEqualTo(2);
        assertThat(resume.err().strip()).startsWith("resnet4j: --precision: cannot be changed when resuming");
    }

    @Test
    void helpListsTheFlag() {
        for (String command : new String[] {"train", "eval", "predict", "embed", "bench"}) {
            assertThat(CliRun.of(command, "--help").out()).as(command).contains("--precision=fp32|bf16");
        }
    }
}
