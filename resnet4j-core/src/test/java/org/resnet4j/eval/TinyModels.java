package org.resnet4j.eval;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNets;

/** Tiny models and images written by tests. */
public final class TinyModels {
    public static final List<String> CLASSES = List.of("cat", "dog", "frog");

    private TinyModels() {}

    /** A freshly initialised resnet8 for CxHxW inputs and the given classes, saved to {@code dir}. */
    public static Path save(Path dir, int channels, int size, List<String> classes) {
        try (ResNetModel m = ResNetModel.create(ResNets.spec("resnet8").withInput(channels, size, size)
                .withClasses(classes.size()), 1)) {
            m.setClasses(classes);
            m.save(dir);
        }
        return dir;
    }

    public static Path save(Path dir) {
        return save(dir, 3, 8, CLASSES);
    }

    /** A random image of {@code type} (e.g. TYPE_INT_RGB, TYPE_BYTE_GRAY) written as {@code format}. */
    public static Path image(Path file, int w, int h, int type, String format, long seed) throws IOException {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)).getRGB());
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(img, format, file.toFile())) {
            throw new IOException("no writer for " + format);
        }
        return file;
    }
}
