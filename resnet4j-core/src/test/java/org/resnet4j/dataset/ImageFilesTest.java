package org.resnet4j.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.ResNet4jException;
import org.resnet4j.util.Devices;

/** Folder data sets of mixed sizes: indexed, decoded batch by batch, streamed or cached, and their errors. */
class ImageFilesTest {
    @TempDir static Path tmp;
    static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager(ai.djl.Device.cpu(), Devices.engine().getEngineName());
    }

    @AfterAll
    static void release() {
        manager.close();
    }

    /** train/{a,b}/ and test/{a,b}/: JPEGs of different sizes and shapes, a PNG, a grey JPEG, a tiny portrait. */
    static Path photos(Path root) throws IOException {
        int[][] sizes = {{40, 60}, {75, 50}, {33, 33}, {90, 120}, {20, 14}, {64, 48}};
        for (String split : List.of("train", "test")) {
            for (int c = 0; c < 2; c++) {
                Path d = Files.createDirectories(root.resolve(split).resolve(c == 0 ? "a" : "b"));
                for (int i = 0; i < (split.equals("train") ? sizes.length : 2); i++) {
                    Picture p = TransformParityTest.noise(sizes[i][0], sizes[i][1], 3, c * 100 + i);
                    if (i == 2) {
                        TransformParityTest.writeTo(p, d.resolve(i + ".png"), "png");
                    } else if (i == 3) {
                        TransformParityTest.writeTo(new ToChannels(1).apply(p, (Void) null), d.resolve(i + ".jpg"));
                    } else {
                        TransformParityTest.writeTo(p, d.resolve(i + ".jpg"));
                    }
                }
            }
        }
        return root;
    }

    static Path zip(Path dir, Path zip) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip)); var walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry("photos/" + dir.relativize(p).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
        }
        return zip;
    }

    private static LoadOptions indexed(long cache) {
        return new LoadOptions(false, 0, true, false).indexed(cache);
    }

    private static List<float[]> epochs(Samples train, int n) {
        Pipeline p = Preset.named("imagenet").train(3, 24, 24, Normalization.none(3, 24, 24), new Preset.Options(0, true, 0));
        List<float[]> out = new ArrayList<>();
        for (int e = 1; e <= n; e++) {
            try (BatchLoader loader = new BatchLoader(train, p, 5, true, false, 7, e, manager, 2)) {
                while (loader.hasNext()) {
                    try (Batch b = loader.next()) {
                        out.add(b.images().toFloatArray());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void mixedSizesAreIndexedAndStreamedOrCachedAlikeFromADirectoryOrAZip() throws IOException {
        Path dir = photos(tmp.resolve("mixed"));
        LoadedDataset cached = Datasets.load("folder", dir, indexed(-1));
        LoadedDataset streamed = Datasets.load("folder", dir, indexed(0));
        LoadedDataset zipped = Datasets.load("folder", zip(dir, tmp.resolve("mixed.zip")), indexed(1000));
        assertThat(cached.train()).isInstanceOf(ImageFiles.class);
        assertThat(cached.train().size()).isEqualTo(12);
        assertThat(cached.train().labels()).containsExactly(0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1);
        List<float[]> a = epochs(cached.train(), 2);
        List<float[]> b = epochs(streamed.train(), 2);
        List<float[]> z = epochs(zipped.train(), 2);
        assertThat(a).hasSize(6);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i)).isEqualTo(a.get(i));
            assertThat(z.get(i)).isEqualTo(a.get(i));
        }
        assertThat(a.get(0)).isNotEqualTo(a.get(3)); // epoch 2 draws other crops
        assertThat(cached.fingerprint()).isEqualTo(streamed.fingerprint());
    }

    @Test
    void mixedSizesDecodedIntoMemoryNeedAnInputSize() throws IOException {
        Path dir = photos(tmp.resolve("sizes"));
        assertThatThrownBy(() -> Datasets.load("folder", dir, LoadOptions.whatIsThere())).isInstanceOf(ResNet4jException.class)
                .hasMessageContaining("but").hasMessageContaining("give --input CxHxW").hasMessageContaining("--preset imagenet");
        LoadedDataset d = Datasets.load("folder", dir, new LoadOptions(false, 3, true, false).withSize(new int[] {16, 20}));
        assertThat(d.trainImages().shape()).containsExactly(3, 16, 20);
    }

    @Test
    void truncatedAndCorruptImagesNameTheFileOrAreSkippedAndCounted() throws IOException {
        Path dir = photos(tmp.resolve("bad"));
        Path good = dir.resolve("train/a/0.jpg");
        byte[] jpeg = Files.readAllBytes(good);
        Path truncated = dir.resolve("train/a/truncated.jpg");
        Files.write(truncated, java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
        Samples train = Datasets.load("folder", dir, indexed(-1)).train();
        assertThatThrownBy(() -> epochs(train, 1)).isInstanceOf(ResNet4jException.class)
                .hasMessageStartingWith(truncated + ": truncated image").hasMessageEndingWith("use --skip-bad to skip such images");
        Path corrupt = dir.resolve("train/b/corrupt.jpg");
        Files.write(corrupt, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}); // a JPEG with no image in it
        Files.delete(truncated);
        Samples train2 = Datasets.load("folder", dir, indexed(-1)).train();
        assertThatThrownBy(() -> epochs(train2, 1)).isInstanceOf(ResNet4jException.class).hasMessageStartingWith(corrupt + ": ");

        Files.write(truncated, java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
        LoadedDataset skipping = Datasets.load("folder", dir, new LoadOptions(true, 0, true, false).indexed(-1));
        List<float[]> batches = epochs(skipping.train(), 1);
        int images = batches.stream().mapToInt(f -> f.length / (3 * 24 * 24)).sum();
        assertThat(images).isEqualTo(12); // 14 files, 2 skipped
        assertThat(((ImageFiles) skipping.train()).badCount()).isEqualTo(2);
    }

    @Test
    void emptyFileAndNotAnImage() {
        assertThatThrownBy(() -> Decoders.best().decode(new byte[0])).isInstanceOf(ImageDecodeException.class)
                .hasMessage("empty image file");
        assertThatThrownBy(() -> Decoders.best().decode("hello".getBytes())).hasMessage(
                "not an image (no JPEG, PNG, BMP or GIF signature)");
    }
}
