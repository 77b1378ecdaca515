package org.resnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.eval.FeatureFile;
import org.resnet4j.eval.FeatureIndex;
import org.resnet4j.eval.TinyModels;
import org.resnet4j.model.HostTensor;
import org.resnet4j.model.WeightsFile;

/** {@code embed} and {@code similar}: files, shapes, normalisation, float16, and a query finds itself first. */
class EmbedCommandTest {
    @TempDir static Path tmp;
    static Path model;
    static Path images;

    @BeforeAll
    static void setUp() throws Exception {
        model = TinyModels.save(tmp.resolve("model"), 3, 16, TinyModels.CLASSES);
        images = tmp.resolve("images");
        for (int i = 0; i < 7; i++) {
            TinyModels.image(images.resolve((i % 2 == 0 ? "a/" : "b/") + "img" + i + ".png"), 16 + i, 20, BufferedImage.TYPE_INT_RGB,
                    "png", 100 + i);
        }
    }

    @Test
    void embedWritesNormalisedRowsTheFileListAndSimilarFindsTheQueryFirst() throws Exception {
        Path out = tmp.resolve("f/features.npy");
        CliRun r = CliRun.of("embed", "--model-dir", model.toString(), images.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        FeatureIndex index = FeatureFile.read(out, "--features");
        assertThat(index.files()).hasSize(7);
        assertThat(index.dim()).isEqualTo(64);
        assertThat(Files.readAllLines(tmp.resolve("f/features.txt"))).hasSize(7).allMatch(l -> l.endsWith(".png"));
        for (int i = 0; i < 7; i++) {
            double n = 0;
            for (int d = 0; d < 64; d++) {
                n += Math.pow(index.features()[i * 64 + d], 2);
            }
            assertThat(Math.sqrt(n)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
        for (Path query : index.files()) {
            CliRun s = CliRun.of("similar", "--features", out.toString(), query.toString(), "--top", "3", "--json");
            assertThat(s.code()).as(s.err()).isZero();
            JsonArray matches = JsonParser.parseString(s.out()).getAsJsonArray().get(0).getAsJsonObject().getAsJsonArray("matches");
            assertThat(matches).hasSize(3);
            JsonObject first = matches.get(0).getAsJsonObject();
            assertThat(first.get("file").getAsString()).isEqualTo(query.toString());
            assertThat(first.get("similarity").getAsDouble()).isGreaterThan(0.9999);
            assertThat(matches.get(1).getAsJsonObject().get("similarity").getAsDouble())
                    .isLessThanOrEqualTo(first.get("similarity").getAsDouble());
        }
        CliRun text = CliRun.of("similar", "--features", out.toString(), index.files().get(2).toString(), "--top", "2");
        assertThat(text.out().lines().skip(1).findFirst().orElse("")).contains("1.0000", index.files().get(2).toString());
    }

    @Test
    void rawAndFloat16FeaturesKeepTheDirection() throws Exception {
        Path unit = tmp.resolve("unit.npy");
        Path raw = tmp.resolve("raw.npy");
        Path half = tmp.resolve("half.npy");
        assertThat(CliRun.of("embed", "--model-dir", model.toString(), images.toString(), "--out", unit.toString()).code()).isZero();
        assertThat(CliRun.of("embed", "--model-dir", model.toString(), images.toString(), "--out", raw.toString(), "--raw").code()).isZero();
        assertThat(CliRun.of("embed", "--model-dir", model.toString(), images.toString(), "--out", half.toString(), "--fp16").code()).isZero();
        HostTensor u = WeightsFile.readNpy(Files.readAllBytes(unit), "unit");
        HostTensor w = WeightsFile.readNpy(Files.readAllBytes(raw), "raw");
        HostTensor h = WeightsFile.readNpy(Files.readAllBytes(half), "half");
        assertThat(new String(Files.readAllBytes(half), 0, 64, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("'<f2'");
        assertThat(Files.size(half)).isLessThan(Files.size(unit));
        boolean notUnit = false;
        for (int i = 0; i < 7; i++) {
            double n = 0;
            for (int d = 0; d < 64; d++) {
                n += Math.pow(w.data()[i * 64 + d], 2);
            }
            n = Math.sqrt(n);
            notUnit |= Math.abs(n - 1) > 1e-3;
            for (int d = 0; d < 64; d++) {
                assertThat(w.data()[i * 64 + d] / n).isCloseTo(u.data()[i * 64 + d], org.assertj.core.data.Offset.offset(1e-5));
                assertThat(h.data()[i * 64 + d]).isCloseTo(u.data()[i * 64 + d], org.assertj.core.data.Offset.offset(1e-3f));
            }
        }
        assertThat(notUnit).isTrue();
    }

    @Test
    void badFilesAreReportedAndTheRestEmbedded() throws Exception {
        Path bad = Files.write(tmp.resolve("bad.png"), new byte[] {1, 2, 3});
        Path out = tmp.resolve("some.npy");
        CliRun r = CliRun.of("embed", "--model-dir", model.toString(), images.resolve("a/img0.png").toString(), bad.toString(),
                tmp.resolve("absent").toString(), "--out", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().filter(l -> l.startsWith("resnet4j: "))).hasSize(2);
        assertThat(FeatureFile.read(out, "--features").files()).containsExactly(images.resolve("a/img0.png"));
        CliRun none = CliRun.of("embed", "--model-dir", model.toString(), bad.toString(), "--out", tmp.resolve("none.npy").toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(tmp.resolve("none.npy")).doesNotExist();
        CliRun missing = CliRun.of("similar", "--features", tmp.resolve("nothing.npy").toString(), bad.toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).startsWith("resnet4j: --features").doesNotContain("\tat ");
        for (String cmd : List.of("embed", "similar")) {
            assertThat(CliRun.of(cmd, "--help").out()).contains("Usage:");
        }
    }
}
