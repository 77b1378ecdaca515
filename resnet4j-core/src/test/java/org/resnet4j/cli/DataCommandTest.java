package org.resnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandTest {
    @TempDir Path tmp;

    /** Exit code, stdout, stderr. */
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void badInputIsOneLineAndNonZeroExit() throws Exception {
        Path f = tmp.resolve("test_batch.bin");
        Files.write(f, new byte[3000]);
        Run r = run("data", "info", "--dataset", "cifar10", "--data", f.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines()).containsExactly("resnet4j: " + f + ": truncated or over-long CIFAR-10 binary file: 3000 bytes is not a whole number of 3073-byte records");
        Path notZip = tmp.resolve("x.zip");
        Files.writeString(notZip, "nope");
        Run z = run("data", "preview", "--dataset", "folder", "--data", notZip.toString(), "--out", tmp.resolve("g.png").toString());
        assertThat(z.code()).isEqualTo(1);
        assertThat(z.err().lines()).hasSize(1).first().asString().contains(notZip.toString(), "not a zip file");
        Run unknown = run("data", "info", "--dataset", "imagenet", "--data", tmp.toString());
        assertThat(unknown.err()).startsWith("resnet4j: --dataset: unknown dataset 'imagenet'");
    }

    /**
     * Issue 17 item 2: each tile of a colour preview shows one of the data set's images pixel for
     * pixel (as decoded from its file), and the tiles are a shuffled sample, not sorted by class.
     */
    @Test
    void previewTilesAreTheDecodedImagesInRandomOrder() throws Exception {
        java.util.Random r = new java.util.Random(7);
        java.util.Map<String, java.awt.image.BufferedImage> sources = new java.util.HashMap<>();
        for (int k = 0; k < 12; k++) {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    img.setRGB(x, y, r.nextInt(1 << 24));
                }
            }
            Path f = tmp.resolve("data/train/class" + (k / 4) + "/img" + k + ".png");
            Files.createDirectories(f.getParent());
            javax.imageio.ImageIO.write(img, "png", f.toFile());
            sources.put(k / 4 + ":" + k, javax.imageio.ImageIO.read(f.toFile()));
        }
        Path png = tmp.resolve("grid.png");
        Run p = run("data", "preview", "--dataset", "folder", "--data", tmp.resolve("data").toString(), "--count", "12",
                "--out", png.toString());
        assertThat(p.code()).as(p.err()).isZero();
        java.awt.image.BufferedImage grid = javax.imageio.ImageIO.read(png.toFile());
        int scale = 4;
        int tileW = 32 * scale;
        int tileH = 32 * scale + 16;
        assertThat(grid.getWidth()).isEqualTo(4 * tileW);
        java.util.List<Integer> classOfTile = new java.util.ArrayList<>();
        java.util.Set<String> shown = new java.util.HashSet<>();
        for (int t = 0; t < 12; t++) {
            int ox = (t % 4) * tileW;
            int oy = (t / 4) * tileH;
            String match = null;
            for (var e : sources.entrySet()) {
                if (sameImage(grid, ox, oy, scale, e.getValue())) {
                    match = e.getKey();
                }
            }
            assertThat(match).as("tile %d shows none of the images", t).isNotNull();
            shown.add(match);
            classOfTile.add(Integer.parseInt(match.substring(0, match.indexOf(':'))));
        }
        assertThat(shown).hasSize(12);
        assertThat(classOfTile).as("tiles in class order").isNotEqualTo(classOfTile.stream().sorted().toList());
    }

    private static boolean sameImage(java.awt.image.BufferedImage grid, int ox, int oy, int scale,
            java.awt.image.BufferedImage src) {
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                for (int d = 0; d < scale * scale; d++) {
                    if ((grid.getRGB(ox + x * scale + d % scale, oy + y * scale + d / scale) & 0xFFFFFF)
                            != (src.getRGB(x, y) & 0xFFFFFF)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    @Test
    void infoJsonPreviewAndHelpOnTheFashionMnistPackage() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
                "/usr/share/datasets/fashion-mnist not found (apt-get install dataset-fashion-mnist): skipping");
        Run r = run("data", "info", "--dataset", "fashion-mnist", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonObject j = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(j.get("dataset").getAsString()).isEqualTo("fashion-mnist");
        assertThat(j.getAsJsonArray("shape").toString()).isEqualTo("[1,28,28]");
        assertThat(j.getAsJsonObject("splits").getAsJsonObject("train").get("count").getAsInt()).isEqualTo(60000);
        assertThat(j.getAsJsonObject("splits").getAsJsonObject("test").get("count").getAsInt()).isEqualTo(10000);
        assertThat(j.getAsJsonObject("splits").getAsJsonObject("test").getAsJsonArray("per_class")).hasSize(10);
        assertThat(j.getAsJsonArray("mean").get(0).getAsDouble()).isBetween(0.28, 0.29);
        Path png = tmp.resolve("grid.png");
        Run p = run("data", "preview", "--dataset", "fashion-mnist", "--augmented", "--count", "16", "--out", png.toString());
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(javax.imageio.ImageIO.read(png.toFile()).getWidth()).isEqualTo(4 * 28 * 4);
        assertThat(run("data", "download", "--help").out()).contains("--dataset");
    }
}
