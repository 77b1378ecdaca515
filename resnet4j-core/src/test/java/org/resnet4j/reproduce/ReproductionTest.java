package org.resnet4j.reproduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.ResNet4jException;
import org.resnet4j.train.MetricsLog;
import org.resnet4j.train.TrainConfig;

/** A tiny Figure 6 (plain8 and resnet8, 160 images) that is extended and resumed like an interrupted run. */
class ReproductionTest {
    @TempDir static Path data;
    @TempDir Path out;

    /** A folder data set of 32x32 PNGs: 4 classes of 40 training and 5 test images, each class a colour. */
    @BeforeAll
    static void writeImages() throws Exception {
        Random random = new Random(1);
        for (String split : List.of("train", "test")) {
            for (int c = 0; c < 4; c++) {
                Path dir = Files.createDirectories(data.resolve(split).resolve("class" + c));
                for (int i = 0; i < (split.equals("train") ? 40 : 5); i++) {
                    BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 32; y++) {
                        for (int x = 0; x < 32; x++) {
                            int v = random.nextInt(64);
                            img.setRGB(x, y, ((c == 1 ? 192 : v) << 16) | ((c == 2 ? 192 : v) << 8) | (c == 3 ? 192 : v));
                        }
                    }
                    ImageIO.write(img, "png", dir.resolve(i + ".png").toFile());
                }
            }
        }
    }

    private boolean reproduce(int epochs, StringWriter log) {
        Experiment e = Experiment.of("cifar10-figure6", "budget", List.of(8), 1, epochs, data);
        return new Reproduction(e, out, new PrintWriter(log), new PrintWriter(log), true).run();
    }

    @Test
    void runsTheSequenceThenSkipsFinishedRunsAndResumesUnfinishedOnes() {
        StringWriter first = new StringWriter();
        assertThat(reproduce(1, first)).isTrue();
        assertThat(first.toString()).contains("plain8: training", "resnet8: training");
        assertThat(out.resolve("results.md")).content().contains("| plain8 |", "| resnet8 |", "| 1 |",
                "`./resnet4j reproduce cifar10-figure6 --depths 8 --epochs 1 --data " + data + "`");
        assertThat(out.resolve("results.json")).exists();
        assertThat(out.resolve("figure6.png")).exists();

        // A budget the runs have not reached yet, as after an interruption: both continue from their checkpoints.
        StringWriter second = new StringWriter();
        assertThat(reproduce(2, second)).isTrue();
        assertThat(second.toString()).contains("plain8: resuming", "resnet8: resuming");
        assertThat(MetricsLog.read(out.resolve("resnet8").resolve("metrics.csv"))).hasSize(2);
        assertThat(out.resolve("results.md")).content().contains("| 2 |");

        StringWriter third = new StringWriter();
        assertThat(reproduce(2, third)).isTrue();
        assertThat(third.toString()).contains("plain8: finished earlier, skipping", "resnet8: finished earlier, skipping");
    }

    @Test
    void experimentsFollowThePaperAndRejectBadValues() {
        Experiment paper = Experiment.of("cifar10-table6", "paper", null, 1, null, data);
        assertThat(paper.runs()).extracting(Experiment.Run::name)
                .containsExactly("resnet20", "resnet32", "resnet44", "resnet56", "resnet110");
        assertThat(paper.runs().get(0).config().iterations()).isEqualTo(64_000L);
        assertThat(paper.runs().get(4).config().warmupIters()).isEqualTo(400);
        assertThat(paper.runs().get(0).config().dataset()).isEqualTo("folder");
        Experiment fashion = Experiment.of("fashion-mnist", "budget", null, 2, null, null);
        assertThat(fashion.runs()).extracting(Experiment.Run::name).containsExactly("resnet20-run1", "resnet20-run2");
        assertThat(fashion.runs().get(1).config().seed()).isEqualTo(43);
        assertThat(fashion.runs().get(0).config().spec().inputChannels()).isEqualTo(1);
        // Table 6's budget schedule: 80 epochs with smoothing and erasing; a short one (30) smooths but does not erase.
        TrainConfig full = firstConfig(Experiment.of("cifar10-table6", "budget", List.of(20), 1, null, data));
        assertThat(full.epochs()).isEqualTo(Experiment.BUDGET_EPOCHS);
        assertThat(full.erase()).isEqualTo(0.5);
        assertThat(full.labelSmoothing()).isEqualTo(0.1);
        TrainConfig shortRun = firstConfig(Experiment.of("cifar10-table6", "budget", List.of(20), 1, 30, data));
        assertThat(shortRun.erase()).isZero();
        assertThat(shortRun.labelSmoothing()).isEqualTo(0.1);
        assertThat(firstConfig(Experiment.of("cifar10-figure6", "budget", List.of(20), 1, null, data)).labelSmoothing()).isZero();
        assertThatThrownBy(() -> Experiment.of("cifar10-table7", "budget", null, 1, null, null))
                .isInstanceOf(ResNet4jException.class).hasMessageContaining("unknown experiment");
        assertThatThrownBy(() -> Experiment.of("fashion-mnist", "fast", null, 1, null, null)).hasMessageContaining("--schedule");
        assertThatThrownBy(() -> Experiment.of("cifar10-table6", "budget", List.of(21), 1, null, null)).hasMessageContaining("6n+2");
    }

    private static TrainConfig firstConfig(Experiment e) {
        return e.runs().get(0).config();
    }
}
