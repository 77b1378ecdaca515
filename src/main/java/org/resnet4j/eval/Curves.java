package org.resnet4j.eval;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.resnet4j.ResNet4jException;
import org.resnet4j.train.EpochMetrics;
import org.resnet4j.util.AtomicFiles;

/**
 * Learning curves like the paper's Figure 6: error in percent against iterations, training
 * solid and validation/test dashed, one colour per run; beside it, the loss the same way. One
 * PNG with both panels, rendered off-screen and written atomically.
 */
public final class Curves {
    static final int PANEL_WIDTH = 800;
    static final int PANEL_HEIGHT = 560;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
    };

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Curves() {}

    /**
     * Plots {@code runs} (label to its metrics, in order) to {@code png}. Runs with no epochs are
     * skipped; nothing at all to plot is an error.
     */
    public static void plot(Map<String, List<EpochMetrics>> runs, Path png, String title) {
        AtomicFiles.writeBytes(png, render(runs, title));
    }

    /** The PNG bytes {@link #plot} writes. */
    public static byte[] render(Map<String, List<EpochMetrics>> runs, String title) {
        if (runs.values().stream().allMatch(List::isEmpty)) {
            throw new ResNet4jException("nothing to plot: " + (runs.isEmpty() ? "no runs" : "no run has finished an epoch"));
        }
        XYChart error = panel(title == null ? "Error" : title + ": error", "error (%)");
        XYChart loss = panel(title == null ? "Loss" : title + ": loss", "loss");
        int i = 0;
        for (Map.Entry<String, List<EpochMetrics>> run : runs.entrySet()) {
            Color color = PALETTE[i++ % PALETTE.length];
            List<EpochMetrics> rows = run.getValue();
            String name = run.getKey();
            String prefix = runs.size() == 1 ? "" : name + " ";
            series(error, prefix + "train", rows, m -> 100 * m.trainError(), color, false);
            series(error, prefix + "val", rows, m -> m.valError() == null ? null : 100 * m.valError(), color, true);
            series(error, prefix + "test", rows, m -> m.testError() == null ? null : 100 * m.testError(), color, true);
            series(loss, prefix + "train", rows, EpochMetrics::trainLoss, color, false);
            series(loss, prefix + "val", rows, EpochMetrics::valLoss, color, true);
        }
        BufferedImage left = BitmapEncoder.getBufferedImage(error);
        BufferedImage right = BitmapEncoder.getBufferedImage(loss);
        BufferedImage both = new BufferedImage(left.getWidth() + right.getWidth(),
                Math.max(left.getHeight(), right.getHeight()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, both.getWidth(), both.getHeight());
        g.drawImage(left, 0, 0, null);
        g.drawImage(right, left.getWidth(), 0, null);
        g.dispose();
        return png(both);
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static XYChart panel(String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title)
                .xAxisTitle("iterations").yAxisTitle(yTitle).build();
        Styler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setAntiAlias(true);
        chart.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        chart.getStyler().setYAxisDecimalPattern("#0.###");
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        return chart;
    }

    private static void series(XYChart chart, String name, List<EpochMetrics> rows, Function<EpochMetrics, Double> y,
            Color color, boolean dashed) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (EpochMetrics m : rows) {
            Double v = y.apply(m);
            if (v != null && !v.isNaN() && !v.isInfinite()) {
                xs.add((double) m.iteration());
                ys.add(v);
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setLineStyle(dashed ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
        s.setMarker(xs.size() == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }
}
