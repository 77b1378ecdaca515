package org.resnet4j.eval;

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
import org.resnet4j.train.EpochMetrics;

class PlotsTest {
    @TempDir Path tmp;

    @Test
    void confusionHeatMapIsAValidPng() throws Exception {
        ClassificationReport r = ClassificationReport.of(List.of("airplane", "automobile", "bird"),
                new float[][] {{1, 0, 0}, {0, 1, 0}, {1, 0, 0}}, new int[] {0, 1, 2});
        Path png = tmp.resolve("confusion.png");
        ConfusionPlot.write(r, png, "test");
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isGreaterThan(3 * 56);
        // the diagonal cell of a fully recalled class is dark blue, an empty cell near white
        int left = img.getRGB(0, 0);
        assertThat(left & 0xffffff).isEqualTo(0xffffff);
    }

    @Test
    void confusionHeatMapScalesToManyClasses() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            names.add("class" + i);
        }
        long[][] m = new long[100][100];
        for (int i = 0; i < 100; i++) {
            m[i][i] = 90;
            m[i][(i + 1) % 100] = 10;
        }
        BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(ConfusionPlot.render(names, m, null)));
        assertThat(img.getWidth()).isLessThan(2000);
    }
}
