package org.resnet4j.dataset;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.resnet4j.util.AtomicFiles;

/** A labelled grid of sample images, as shown before training (seed article 001). */
public final class PreviewGrid {
    private static final int LABEL_HEIGHT = 16;

    private PreviewGrid() {}

    /**
     * {@code count} images picked with {@code seed} (stratified, so every class shows) in random
     * order, as {@code pipeline} (without normalisation) gives them: as stored, or as training sees
     * them, scaled up to about 128 pixels each.
     */
    public static BufferedImage render(Samples set, int count, Pipeline pipeline, long seed) {
        System.setProperty("java.awt.headless", "true");
        SplittableRandom random = new SplittableRandom(seed);
        Samples sample = shuffled(Splits.stratifiedSubset(set, Math.min(count, set.size()), seed), random);
        int h = pipeline.height();
        int w = pipeline.width();
        int scale = Math.max(1, 128 / Math.max(h, w));
        int cols = (int) Math.ceil(Math.sqrt(sample.size()));
        int rows = (sample.size() + cols - 1) / cols;
        int tileW = Math.max(w * scale, 64);
        int tileH = h * scale + LABEL_HEIGHT;
        BufferedImage grid = new BufferedImage(cols * tileW, rows * tileH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        float[] x = new float[pipeline.outFloats()];
        int c = pipeline.channels();
        for (int i = 0; i < sample.size(); i++) {
            pipeline.apply(sample, i, random, x, 0);
            int ox = (i % cols) * tileW + (tileW - w * scale) / 2;
            int oy = (i / cols) * tileH;
            for (int yy = 0; yy < h * scale; yy++) {
                for (int xx = 0; xx < w * scale; xx++) {
                    int p = ((yy / scale) * w + xx / scale) * c; // the transform's output is HWC
                    int r = byteOf(x[p]);
                    int gr = c == 3 ? byteOf(x[p + 1]) : r;
                    int b = c == 3 ? byteOf(x[p + 2]) : r;
                    grid.setRGB(ox + xx, oy + yy, r << 16 | gr << 8 | b);
                }
            }
            String label = sample.classes().get(sample.label(i));
            g.setColor(Color.BLACK);
            int tx = (i % cols) * tileW + Math.max(0, (tileW - fm.stringWidth(label)) / 2);
            g.drawString(label, tx, oy + h * scale + LABEL_HEIGHT - 4);
        }
        g.dispose();
        return grid;
    }

    /** The images of {@code set} in an order drawn from {@code random}. */
    private static Samples shuffled(Samples set, SplittableRandom random) {
        int[] order = java.util.stream.IntStream.range(0, set.size()).toArray();
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int o = order[i];
            order[i] = order[j];
            order[j] = o;
        }
        return set.subset(order);
    }

    /** Writes the grid as a PNG, atomically. */
    public static void write(BufferedImage grid, Path out) {
        AtomicFiles.write(out, stream -> ImageIO.write(grid, "png", stream));
    }

    private static int byteOf(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255)));
    }
}
