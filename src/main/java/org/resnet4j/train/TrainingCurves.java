package org.resnet4j.train;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.resnet4j.util.AtomicFiles;

/**
 * Draws a run's {@code curves.png}. The one call site of the curve plotter: it delegates to
 * {@code org.resnet4j.eval.Curves.plot} once that is merged; until then a minimal XChart version.
 */
final class TrainingCurves {
    private TrainingCurves() {}

    static void plot(Map<String, List<EpochMetrics>> runs, Path png, String title) {
        interim(runs, png, title); // TODO(merge eval): org.resnet4j.eval.Curves.plot(runs, png, title);
    }

    private static void interim(Map<String, List<EpochMetrics>> runs, Path png, String title) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        XYChart error = chart(title + ": error", "error (%)");
        XYChart loss = chart(title + ": loss", "loss");
        runs.forEach((name, rows) -> {
            if (rows.isEmpty()) {
                return;
            }
            add(error, name + " train", rows, m -> 100 * m.trainError());
            add(loss, name + " train", rows, EpochMetrics::trainLoss);
            if (rows.stream().allMatch(m -> m.valError() != null)) {
                add(error, name + " val", rows, m -> 100 * m.valError());
                add(loss, name + " val", rows, EpochMetrics::valLoss);
            }
            if (rows.stream().allMatch(m -> m.testError() != null)) {
                add(error, name + " test", rows, m -> 100 * m.testError());
            }
        });
        BufferedImage a = BitmapEncoder.getBufferedImage(error);
        BufferedImage b = BitmapEncoder.getBufferedImage(loss);
        BufferedImage both = new BufferedImage(a.getWidth() + b.getWidth(), Math.max(a.getHeight(), b.getHeight()),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        g.drawImage(a, 0, 0, null);
        g.drawImage(b, a.getWidth(), 0, null);
        g.dispose();
        AtomicFiles.write(png, out -> ImageIO.write(both, "png", out));
    }

    private static XYChart chart(String title, String y) {
        XYChart c = new XYChartBuilder().width(700).height(500).title(title).xAxisTitle("iterations").yAxisTitle(y).build();
        c.getStyler().setMarkerSize(4);
        return c;
    }

    private static void add(XYChart c, String name, List<EpochMetrics> rows, Function<EpochMetrics, Double> f) {
        double[] x = rows.stream().mapToDouble(m -> m.iteration()).toArray();
        double[] y = rows.stream().mapToDouble(f::apply).toArray();
        c.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
    }
}
