package org.resnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNets;
import org.resnet4j.model.TorchSave;
import org.resnet4j.util.Json;

/** {@code import} of torch.save checkpoints: flags, provenance, and one line for every bad input. */
class ImportCommandTest {
    @TempDir Path tmp;

    private Path checkpoint(String name, boolean legacy) throws Exception {
        Path file = tmp.resolve(name);
        try (ResNetModel m = ResNetModel.create(ResNets.spec("resnet8"), 11)) {
            TorchSave.stateDict(file, m.weights(), legacy, "module.", Map.of("epoch", 3L, "arch", "resnet8"));
        }
        return file;
    }

    @Test
    void aCheckpointImportsWithNormalizationClassNamesAndProvenance() throws Exception {
        Path ckpt = checkpoint("best.pth.tar", true);
        Path names = Files.writeString(tmp.resolve("names.txt"), "plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
        Path out = tmp.resolve("m");
        CliRun r = CliRun.of("import", "--model", "resnet8", "--from", ckpt.toString(), "--out", out.toString(),
                "--normalization", "per-channel:0.49,0.48,0.45:0.25,0.24,0.26", "--class-names", names.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("legacy format", "entry 'state_dict'", "epoch = 3", "arch = 'resnet8'", "'module.' prefix stripped");
        try (ResNetModel m = ResNetModel.load(out)) {
            assertThat(m.classes()).hasSize(10).startsWith("plane", "car").endsWith("truck");
            assertThat(m.preset()).as("a 32x32 network sees the whole image").isEqualTo("cifar");
            assertThat(m.normalization().mode()).isEqualTo("per-channel");
            assertThat(m.normalization().mean()).containsExactly(0.49f, 0.48f, 0.45f);
            assertThat(m.normalization().std()).containsExactly(0.25f, 0.24f, 0.26f);
        }
        JsonObject source = Json.read(out.resolve("model.json"), JsonObject.class).getAsJsonObject("provenance")
                .getAsJsonObject("source");
        assertThat(source.get("file").getAsString()).isEqualTo("best.pth.tar");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(ckpt)));
        assertThat(source.get("sha256").getAsString()).isEqualTo(sha);
    }

    @Test
    void imagenetNamesAndNormalization() throws Exception {
        Path file = tmp.resolve("r8-1000.pt");
        try (ResNetModel m = ResNetModel.create(ResNets.spec("resnet8").withClasses(1000), 2)) {
            TorchSave.stateDict(file, m.weights(), false, "", null);
        }
        Path out = tmp.resolve("in");
        CliRun r = CliRun.of("import", "--model", "resnet8", "--classes", "1000", "--from", file.toString(), "--out",
                out.toString(), "--normalization", "imagenet", "--class-names", "imagenet");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("zip format").doesNotContain("no --normalization");
        try (ResNetModel m = ResNetModel.load(out)) {
            assertThat(m.classes()).hasSize(1000).doesNotHaveDuplicates().startsWith("tench", "goldfish").endsWith("toilet tissue");
            assertThat(m.normalization().mean()).containsExactly(0.485f, 0.456f, 0.406f);
            assertThat(m.normalization().std()).containsExactly(0.229f, 0.224f, 0.225f);
        }
        Path big = tmp.resolve("big");
        CliRun r224 = CliRun.of("import", "--model", "resnet8", "--classes", "1000", "--input", "3x224x224", "--from",
                file.toString(), "--out", big.toString());
        assertThat(r224.code()).as(r224.err()).isZero();
        assertThat(r224.out()).contains("(preset imagenet)");
        try (ResNetModel m = ResNetModel.load(big)) {
            assertThat(m.preset()).as("ImageNet-sized weights are evaluated on centre crops").isEqualTo("imagenet");
        }
        Path paper = tmp.resolve("paper");
        assertThat(CliRun.of("import", "--model", "resnet8", "--classes", "1000", "--from", file.toString(), "--out",
                paper.toString(), "--preset", "imagenet-paper").code()).isZero();
        try (ResNetModel m = ResNetModel.load(paper)) {
            assertThat(m.preset()).isEqualTo("imagenet-paper");
        }
    }

    @Test
    void badInputGetsOneLineAndNonZeroExit() throws Exception {
        Path good = checkpoint("good.pth", false);
        Path truncated = Files.write(tmp.resolve("truncated.pth"), java.util.Arrays.copyOf(Files.readAllBytes(good), 700));
        Path empty = Files.write(tmp.resolve("empty.pth"), new byte[0]);
        Path text = Files.writeString(tmp.resolve("readme.pth"), "not weights");
        Path evil = tmp.resolve("evil.pth");
        TorchSave.zip(evil, new TorchSave.Call("os", "system", List.of("touch " + tmp.resolve("pwned"))), Map.of(), Map.of());
        Path threeNames = Files.writeString(tmp.resolve("three.txt"), "a\nb\nc\n");
        String out = tmp.resolve("never").toString();
        String[][] cases = {
            {"--from", truncated.toString()}, {"--from", empty.toString()}, {"--from", text.toString()},
            {"--from", evil.toString()}, {"--from", good.toString(), "--normalization", "per-channel:1,2:3,4,5"},
            {"--from", good.toString(), "--normalization", "imagenetx"},
            {"--from", good.toString(), "--class-names", threeNames.toString()},
            {"--from", good.toString(), "--class-names", tmp.resolve("absent.txt").toString()},
            {"--from", good.toString(), "--classes", "7"}, {"--from", good.toString(), "--preset", "photos"}};
        for (String[] c : cases) {
            List<String> args = new java.util.ArrayList<>(List.of("import", "--model", "resnet8", "--out", out));
            args.addAll(List.of(c));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", c)).isNotZero();
            assertThat(r.err().lines().filter(l -> l.startsWith("resnet4j: "))).as(r.err()).hasSize(1);
            assertThat(r.err()).doesNotContain("\tat ");
        }
        assertThat(tmp.resolve("pwned")).doesNotExist();
        assertThat(tmp.resolve("never")).doesNotExist();
        assertThat(CliRun.of("import", "--help").out()).contains("--normalization", "--class-names", ".pth");
    }
}
