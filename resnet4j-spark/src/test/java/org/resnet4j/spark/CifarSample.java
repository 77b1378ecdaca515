package org.resnet4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;

/**
 * A folder of CIFAR-10 test JPEGs from the project's data ({@code ../shared/data}, absent in a
 * fresh clone: the tests that need it are skipped, saying why), with two images that cannot be
 * decoded and a file that is not an image.
 */
final class CifarSample {
    static final Path ZIP = Path.of("..", "shared", "data", "cifar10-jpeg.zip");
    static final Path MODEL = Path.of("models", "resnet20-cifar10");
    static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
            "ship", "truck");
    /** Names of the files that are no images. */
    static final String CORRUPT = "test/cat/corrupt.jpg";
    static final String TRUNCATED = "test/dog/truncated.jpg";

    private CifarSample() {}

    static void assumeData() {
        Assumptions.assumeTrue(Files.exists(ZIP), ZIP.toAbsolutePath() + " not found: skipping the Spark tests on CIFAR-10");
    }

    /** {@code perClass} test images of each class under {@code dir/test/<class>/}, plus the bad files. */
    static Path write(Path dir, int perClass) throws IOException {
        try (ZipFile zip = new ZipFile(ZIP.toFile())) {
            for (String c : CLASSES) {
                for (int i = 0; i < perClass; i++) {
                    copy(zip, String.format("test/%s/%04d.jpg", c, i), dir);
                }
            }
            byte[] jpeg = zip.getInputStream(zip.getEntry("test/dog/0000.jpg")).readAllBytes();
            Files.write(dir.resolve(TRUNCATED), java.util.Arrays.copyOf(jpeg, 40));
        }
        Files.writeString(dir.resolve(CORRUPT), "this is not a JPEG");
        Files.writeString(dir.resolve("test/README.txt"), "not an image: readImages leaves it out");
        return dir;
    }

    private static void copy(ZipFile zip, String name, Path dir) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new IOException(ZIP + ": no " + name);
        }
        Path dst = dir.resolve(name);
        Files.createDirectories(dst.getParent());
        try (InputStream in = zip.getInputStream(e)) {
            Files.copy(in, dst);
        }
    }
}
