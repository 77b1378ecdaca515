package org.resnet4j.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.resnet4j.util.AtomicFiles;
import org.resnet4j.util.Png;

/**
 * {@code confusion.png}: the confusion matrix as a labelled heat map. Rows are true classes,
 * columns predicted ones; a cell's shade is its share of the row (so recall lies on the diagonal)
 * and its count is printed in it where it fits.
 */
public final class ConfusionPlot {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ConfusionPlot() {}

    public static void write(ClassificationReport report, Path png, String title) {
        AtomicFiles.writeBytes(png, render(report.classes(), report.confusion(), title));
    }

    /** PNG bytes of the heat map. */
    public static byte[] render(List<String> classes, long[][] confusion, String title) {
        int k = classes.size();
        int cell = k <= 12 ? 56 : k <= 30 ? 28 : Math.max(6, 840 / k);
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.min(13, Math.max(7, cell / 2)));
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 16);
        Font axisFont = new Font(Font.SANS_SERIF, Font.BOLD, 13);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics lm = pg.getFontMetrics(labelFont);
        int labelWidth = 0;
        for (String c : classes) {
            labelWidth = Math.max(labelWidth, lm.stringWidth(c));
        }
        pg.dispose();
        int margin = 20;
        int left = margin + 24 + labelWidth + 8;
        int top = margin + 36;
        int grid = cell * k;
        int bottom = labelWidth + 8 + 30 + margin;
        int width = Math.max(left + grid + margin + 70, 360);
        int height = top + grid + bottom;

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);

        g.setColor(Color.BLACK);
        g.setFont(titleFont);
        String t = title == null ? "Confusion matrix" : title;
        g.drawString(t, Math.max(margin, left + grid / 2 - g.getFontMetrics().stringWidth(t) / 2), margin + 16);

        Font countFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.min(12, Math.max(7, cell / 3)));
        for (int i = 0; i < k; i++) {
            long rowSum = 0;
            for (long v : confusion[i]) {
                rowSum += v;
            }
            for (int j = 0; j < k; j++) {
                double share = rowSum == 0 ? 0 : (double) confusion[i][j] / rowSum;
                Color fill = blues(share);
                int x = left + j * cell;
                int y = top + i * cell;
                g.setColor(fill);
                g.fillRect(x, y, cell, cell);
                if (cell >= 20) {
                    g.setFont(countFont);
                    FontMetrics fm = g.getFontMetrics();
                    String s = Long.toString(confusion[i][j]);
                    if (fm.stringWidth(s) <= cell - 2) {
                        g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                        g.drawString(s, x + (cell - fm.stringWidth(s)) / 2, y + (cell + fm.getAscent() - fm.getDescent()) / 2);
                    }
                }
            }
        }
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, grid, grid);

        g.setColor(Color.BLACK);
        g.setFont(labelFont);
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i < k; i++) {
            String c = classes.get(i);
            g.drawString(c, left - 6 - fm.stringWidth(c), top + i * cell + (cell + fm.getAscent() - fm.getDescent()) / 2);
        }
        AffineTransform saved = g.getTransform();
        for (int j = 0; j < k; j++) {
            String c = classes.get(j);
            int x = left + j * cell + (cell + fm.getAscent() - fm.getDescent()) / 2;
            int y = top + grid + 6;
            g.setTransform(saved);
            g.rotate(Math.PI / 2, x, y);
            g.drawString(c, x, y);
        }
        g.setTransform(saved);

        g.setFont(axisFont);
        FontMetrics am = g.getFontMetrics();
        String xTitle = "predicted class";
        g.drawString(xTitle, left + grid / 2 - am.stringWidth(xTitle) / 2, top + grid + labelWidth + 12 + am.getAscent());
        String yTitle = "true class";
        int yx = margin + am.getAscent();
        int yy = top + grid / 2 + am.stringWidth(yTitle) / 2;
        g.rotate(-Math.PI / 2, yx, yy);
        g.drawString(yTitle, yx, yy);
        g.setTransform(saved);

        int barX = left + grid + 20;
        for (int y = 0; y < grid; y++) {
            g.setColor(blues(1.0 - (double) y / Math.max(1, grid - 1)));
            g.fillRect(barX, top + y, 14, 1);
        }
        g.setColor(Color.BLACK);
        g.setFont(labelFont);
        g.drawString("100%", barX + 18, top + fm.getAscent());
        g.drawString("0%", barX + 18, top + grid);
        g.dispose();
        return Png.bytes(image);
    }

    /** White to dark blue, like matplotlib's Blues. */
    static Color blues(double v) {
        double s = Math.max(0, Math.min(1, v));
        int r = (int) Math.round(247 + (8 - 247) * s);
        int gr = (int) Math.round(251 + (48 - 251) * s);
        int b = (int) Math.round(255 + (107 - 255) * s);
        return new Color(r, gr, b);
    }
}
