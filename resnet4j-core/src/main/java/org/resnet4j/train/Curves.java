package org.resnet4j.train;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.resnet4j.ResNet4jException;
import org.resnet4j.util.AtomicFiles;
import org.resnet4j.util.Png;

/**
 * Learning curves like the paper's Figure 6: error in percent against iterations, training solid,
 * validation dashed and test dotted; beside it, the loss the same way. One PNG with both panels,
 * rendered off-screen and written atomically.
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
        requireEpochs(runs);
        List<XYChart> panels = charts(runs, title);
        return Png.bytes(sideBySide(BitmapEncoder.getBufferedImage(panels.get(0)), BitmapEncoder.getBufferedImage(panels.get(1))));
    }

    /**
     * The error and the loss panel. Each split has its own line style, named in the legend
     * (training solid, validation dashed, test dotted); one run also gives each split its own colour,
     * several runs get a colour each. The axes start at 0, so a run of one epoch has a readable scale.
     */
    static List<XYChart> charts(Map<String, List<EpochMetrics>> runs, String title) {
        XYChart error = panel(title == null ? "Error" : title + ": error", "error (%)");
        XYChart loss = panel(title == null ? "Loss" : title + ": loss", "loss");
        boolean one = runs.size() == 1;
        int i = 0;
        for (Map.Entry<String, List<EpochMetrics>> run : runs.entrySet()) {
            Color color = PALETTE[i++ % PALETTE.length];
            Color val = one ? PALETTE[3] : color;
            Color test = one ? PALETTE[2] : color;
            List<EpochMetrics> rows = run.getValue();
            String prefix = one ? "" : run.getKey() + " ";
            series(error, prefix + "train", rows, m -> 100 * m.trainError(), color, SeriesLines.SOLID);
            series(error, prefix + "validation", rows, m -> m.valError() == null ? null : 100 * m.valError(), val,
                    SeriesLines.DASH_DASH);
            series(error, prefix + "test", rows, m -> m.testError() == null ? null : 100 * m.testError(), test,
                    SeriesLines.DOT_DOT);
            series(loss, prefix + "train", rows, EpochMetrics::trainLoss, color, SeriesLines.SOLID);
            series(loss, prefix + "validation", rows, EpochMetrics::valLoss, val, SeriesLines.DASH_DASH);
        }
        fromZero(error, 100);
        fromZero(loss, Double.MAX_VALUE);
        for (XYChart chart : List.of(error, loss)) {
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE); // never over the last epoch's points
        }
        return List.of(error, loss);
    }

    /** Both axes from 0 to a round number above the largest value (at most {@code cap}). */
    private static void fromZero(XYChart chart, double cap) {
        double maxX = 0;
        double maxY = 0;
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double x : s.getXData()) {
                maxX = Math.max(maxX, x);
            }
            for (double y : s.getYData()) {
                maxY = Math.max(maxY, y);
            }
        }
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(Math.max(1, maxX));
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(Math.min(cap, roundUp(maxY * 1.05)));
    }

    /** The smallest multiple of half a power of ten at or above {@code v} (37 to 40, 2.31 to 2.5): a round axis end. */
    static double roundUp(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double step = Math.pow(10, Math.floor(Math.log10(v))) / 2;
        return Math.ceil(v / step) * step;
    }

    /**
     * The paper's Figure 6: plain networks on the left, ResNets on the right, training error dashed
     * and test error solid ("dashed lines denote training error, and bold lines denote testing error"),
     * one colour per depth in both panels and the same error axis in both, so the panels compare at a
     * glance. Runs whose name starts with {@code plain} go left, the others right.
     */
    public static void figure6(Map<String, List<EpochMetrics>> runs, Path png, String title) {
        requireEpochs(runs);
        XYChart plain = panel(title + ": plain networks", "error (%)");
        XYChart residual = panel(title + ": ResNets", "error (%)");
        Map<String, Color> depthColors = new java.util.LinkedHashMap<>();
        double max = 0;
        for (Map.Entry<String, List<EpochMetrics>> run : runs.entrySet()) {
            String name = run.getKey();
            String depth = name.replaceAll("\\D", "");
            Color color = depthColors.computeIfAbsent(depth, d -> PALETTE[depthColors.size() % PALETTE.length]);
            XYChart chart = name.startsWith("plain") ? plain : residual;
            series(chart, name + " train", run.getValue(), m -> 100 * m.trainError(), color, SeriesLines.DASH_DASH);
            series(chart, name + " test", run.getValue(), m -> m.testError() == null ? null : 100 * m.testError(), color,
                    SeriesLines.SOLID);
            for (EpochMetrics m : run.getValue()) {
                max = Math.max(max, 100 * Math.max(m.trainError(), m.testError() == null ? 0 : m.testError()));
            }
        }
        double top = Math.min(100, Math.ceil(max / 5) * 5);
        for (XYChart chart : List.of(plain, residual)) {
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(top);
            chart.getSeriesMap().values().stream().filter(x -> x.getName().endsWith(" test"))
                    .forEach(x -> x.setLineStyle(new java.awt.BasicStroke(3f))); // the paper's bold test error
        }
        AtomicFiles.writeBytes(png, Png.bytes(sideBySide(BitmapEncoder.getBufferedImage(plain),
                BitmapEncoder.getBufferedImage(residual))));
    }

    private static void requireEpochs(Map<String, List<EpochMetrics>> runs) {
        if (runs.values().stream().allMatch(List::isEmpty)) {
            throw new ResNet4jException("nothing to plot: " + (runs.isEmpty() ? "no runs" : "no run has finished an epoch"));
        }
    }

    private static BufferedImage sideBySide(BufferedImage left, BufferedImage right) {
        BufferedImage both = new BufferedImage(left.getWidth() + right.getWidth(),
                Math.max(left.getHeight(), right.getHeight()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, both.getWidth(), both.getHeight());
        g.drawImage(left, 0, 0, null);
        g.drawImage(right, left.getWidth(), 0, null);
        g.dispose();
        return both;
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
            Color color, java.awt.BasicStroke style) {
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
        s.setLineStyle(style);
        s.setMarker(xs.size() == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }
}
