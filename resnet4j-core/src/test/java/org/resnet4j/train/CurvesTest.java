package org.resnet4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.ResNet4jException;

/** The learning curves (curves.png, Figure 6): what {@link Curves} draws. */
class CurvesTest {
    @TempDir Path tmp;

    static List<EpochMetrics> run(int epochs, double start, boolean withVal) {
        List<EpochMetrics> rows = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            double err = start / e;
            rows.add(new EpochMetrics(e, e * 100L, 0.1, 2.0 / e, err, withVal ? 2.2 / e : null, withVal ? err + 0.05 : null,
                    withVal ? null : err + 0.04, 1000, e));
        }
        return rows;
    }

    @Test
    void curvesOfSeveralRunsAreOnePng() throws Exception {
        Map<String, List<EpochMetrics>> runs = new LinkedHashMap<>();
        runs.put("plain20", run(5, 0.5, true));
        runs.put("resnet20", run(5, 0.4, false));
        runs.put("single", run(1, 0.3, true));
        Path png = tmp.resolve("sub/fig.png");
        Curves.plot(runs, png, "CIFAR-10");
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo(2 * Curves.PANEL_WIDTH);
        assertThat(img.getHeight()).isEqualTo(Curves.PANEL_HEIGHT);
        try (var files = Files.list(png.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("fig.png");
        }
    }

    @Test
    void figure6PutsPlainNetsLeftAndResNetsRightWithOneColourPerDepth() throws Exception {
        Map<String, List<EpochMetrics>> runs = new LinkedHashMap<>();
        runs.put("plain20", run(5, 0.5, false));
        runs.put("resnet20", run(5, 0.4, false));
        runs.put("plain56", run(5, 0.6, false));
        runs.put("resnet56", run(5, 0.3, false));
        Path png = tmp.resolve("figure6.png");
        Curves.figure6(runs, png, "cifar10-figure6");
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(2 * Curves.PANEL_WIDTH);
        // depth 20 is the first colour, depth 56 the second, in both panels
        for (int rgb : new int[] {0x1f77b4, 0xd62728}) {
            assertThat(pixels(img, 0, Curves.PANEL_WIDTH, rgb)).as("left %06x", rgb).isGreaterThan(100);
            assertThat(pixels(img, Curves.PANEL_WIDTH, 2 * Curves.PANEL_WIDTH, rgb)).as("right %06x", rgb).isGreaterThan(100);
        }
        assertThat(pixels(img, 0, img.getWidth(), 0x2ca02c)).isZero(); // no third colour: two depths only
        assertThatThrownBy(() -> Curves.figure6(Map.of("plain8", List.of()), tmp.resolve("y.png"), "t"))
                .isInstanceOf(ResNet4jException.class);
    }

    private static int pixels(BufferedImage img, int fromX, int toX, int rgb) {
        int n = 0;
        for (int x = fromX; x < toX; x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                n += (img.getRGB(x, y) & 0xFFFFFF) == rgb ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * Issue 17 item 10: validation and test curves differ in colour (one run) and in line style
     * (always), each named in the legend; a one-epoch run gets axes from 0 to a round number above it.
     */
    @Test
    void validationAndTestCurvesAreToldApartAndOneEpochHasAReadableScale() throws Exception {
        List<EpochMetrics> one = List.of(new EpochMetrics(1, 390, 0.1, 1.9, 0.62, 1.8, 0.58, 0.57, 1000, 10));
        BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(Curves.render(Map.of("resnet20", one), "t")));
        int train = pixels(img, 0, Curves.PANEL_WIDTH, 0x1f77b4);
        int val = pixels(img, 0, Curves.PANEL_WIDTH, 0xff7f0e);
        int test = pixels(img, 0, Curves.PANEL_WIDTH, 0x2ca02c);
        assertThat(train).as("train").isGreaterThan(20);
        assertThat(val).as("validation").isGreaterThan(20);
        assertThat(test).as("test").isGreaterThan(20);

        var panels = Curves.charts(Map.of("resnet20", one), "t");
        var error = panels.get(0);
        assertThat(error.getSeriesMap().keySet()).containsExactly("train", "validation", "test");
        assertThat(error.getStyler().getYAxisMin()).isEqualTo(0.0);
        assertThat(error.getStyler().getYAxisMax()).isGreaterThan(62.0).isLessThanOrEqualTo(100.0);
        assertThat(error.getStyler().getXAxisMin()).isEqualTo(0.0);
        assertThat(panels.get(1).getStyler().getYAxisMax()).isGreaterThan(1.9);

        Map<String, List<EpochMetrics>> two = new LinkedHashMap<>();
        two.put("a", run(3, 0.5, true));
        two.put("b", run(3, 0.4, true));
        two.get("b").replaceAll(m -> new EpochMetrics(m.epoch(), m.iteration(), m.lr(), m.trainLoss(), m.trainError(),
                m.valLoss(), m.valError(), m.trainError() + 0.1, m.imagesPerSec(), m.seconds()));
        var s = Curves.charts(two, null).get(0).getSeriesMap();
        assertThat(s.keySet()).contains("b validation", "b test");
        assertThat(s.get("b validation").getLineStyle()).isNotEqualTo(s.get("b test").getLineStyle());
        assertThat(s.get("b validation").getLineStyle()).isNotEqualTo(s.get("b train").getLineStyle());
        assertThat(s.get("a train").getLineColor()).isNotEqualTo(s.get("b train").getLineColor());
    }

    @Test
    void curvesWithNothingToPlotAreAnError() {
        assertThatThrownBy(() -> Curves.plot(Map.of("empty", List.of()), tmp.resolve("x.png"), null))
                .isInstanceOf(ResNet4jException.class).hasMessageContaining("nothing to plot");
        assertThat(tmp.resolve("x.png")).doesNotExist();
    }
}
