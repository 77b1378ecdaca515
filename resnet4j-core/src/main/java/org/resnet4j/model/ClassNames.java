package org.resnet4j.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.resnet4j.ResNet4jException;
import org.resnet4j.util.AtomicFiles;

/** Class names for a model's outputs: a file of one name per line, or the 1,000 ImageNet classes. */
public final class ClassNames {
    /** The name that stands for the ImageNet classes, in torchvision's order and wording. */
    public static final String IMAGENET = "imagenet";
    private static final String IMAGENET_RESOURCE = "imagenet-classes.txt";

    private ClassNames() {}

    /** {@code imagenet} or a file of one name per line (blank lines ignored); {@code flag} names the option in errors. */
    public static List<String> read(String spec, String flag) {
        if (IMAGENET.equals(spec)) {
            return imagenet();
        }
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) {
            throw new ResNet4jException(flag + " " + spec + ": no such file (give a file of one class name per line, or "
                    + IMAGENET + ")");
        }
        try {
            List<String> names = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
            if (names.isEmpty()) {
                throw new ResNet4jException(flag + " " + spec + ": the file holds no class names");
            }
            return names;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ResNet4jException(flag + " " + spec + ": cannot read (" + AtomicFiles.describe(e) + ")");
        }
    }

    /** The 1,000 ImageNet-1k classes in the order of torchvision's models. */
    public static List<String> imagenet() {
        try (InputStream in = ClassNames.class.getResourceAsStream(IMAGENET_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + IMAGENET_RESOURCE + " missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
