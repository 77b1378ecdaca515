package org.resnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.train.EpochMetrics;
import org.resnet4j.train.MetricsLog;

class CompareCommandTest {
    @TempDir Path tmp;

    private Path run(String name, double start, boolean val) {
        List<EpochMetrics> rows = new ArrayList<>();
        for (int e = 1; e <= 4; e++) {
            rows.add(new EpochMetrics(e, 391L * e, 0.1, 2.0 / e, start / e, val ? 2.1 / e : null, val ? start / e + 0.02 : null,
                    val ? null : start / e + 0.03, 900, 10 * e));
        }
        Path dir = tmp.resolve("runs").resolve(name);
        MetricsLog.write(dir.resolve("metrics.csv"), rows);
        return dir;
    }

    @Test
    void overlaysRunsInAPngAndTabulatesTheirFinalErrors() throws Exception {
        Path a = run("plain20", 0.4, true);
        Path b = run("resnet20", 0.3, false);
        Path fig = tmp.resolve("fig.png");
        CliRun r = CliRun.of("compare", a.toString(), b.toString(), "--out", fig.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        BufferedImage img = ImageIO.read(fig.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isGreaterThan(100);
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).contains("run", "epochs", "iterations", "train err%", "val err%", "test err%", "best val");
        // plain20: final train 0.4/4 = 10.00%, final val 12.00%, no test; resnet20: 7.50% train, test 10.50%
        assertThat(lines.get(1)).containsPattern("plain20\\s+4\\s+1564\\s+10\\.00\\s+12\\.00\\s+-\\s+12\\.00\\s+-");
        assertThat(lines.get(2)).containsPattern("resnet20\\s+4\\s+1564\\s+7\\.50\\s+-\\s+10\\.50\\s+-\\s+10\\.50");
        assertThat(r.out()).contains("wrote " + fig);
    }

    @Test
    void sameNamedRunsGetDistinctLabels() {
        Path a = run("x", 0.4, true);
        Path other = tmp.resolve("other/x");
        MetricsLog.write(other.resolve("metrics.csv"), List.of(new EpochMetrics(1, 10, 0.1, 1, 0.5, null, null, null, 1, 1)));
        CliRun r = CliRun.of("compare", a.toString(), other.toString(), "--out", tmp.resolve("f.png").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("other/x");
    }

    @Test
    void aRunWithoutMetricsIsOneLineError() throws Exception {
        Path a = run("ok", 0.4, true);
        Files.createDirectories(tmp.resolve("empty"));
        CliRun r = CliRun.of("compare", a.toString(), tmp.resolve("empty").toString(), "--out", tmp.resolve("f.png").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("metrics.csv: no such file");
        assertThat(tmp.resolve("f.png")).doesNotExist();
    }

    @Test
    void aMalformedMetricsFileIsAnError() throws Exception {
        Path dir = tmp.resolve("bad");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("metrics.csv"), "hello\n");
        CliRun r = CliRun.of("compare", dir.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("not a ResNet4J metrics file");
    }

    @Test
    void noRunsIsAUsageError() {
        assertThat(CliRun.of("compare").code()).isEqualTo(2);
    }
}
