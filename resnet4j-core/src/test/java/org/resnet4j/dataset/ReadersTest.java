package org.resnet4j.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.ResNet4jException;

class ReadersTest {
    @TempDir Path tmp;

    private static byte[] planes(int n, long seed) {
        byte[] b = new byte[n * 3072];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static int[] labels(int n, int classes, long seed) {
        Random r = new Random(seed);
        return IntStream.range(0, n).map(i -> r.nextInt(classes)).toArray();
    }

    /** Writes the same 5 x 4 training and 3 test images as cifar-10-batches-bin and cifar-10-batches-py. */
    private Path cifar10BothFormats() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("cifar-10-batches-bin"));
        Path py = Files.createDirectories(tmp.resolve("cifar-10-batches-py"));
        for (int b = 1; b <= 6; b++) {
            int n = b == 6 ? 3 : 4;
            byte[] p = planes(n, b);
            int[] l = labels(n, 10, b + 100);
            String name = b == 6 ? "test_batch" : "data_batch_" + b;
            Files.write(bin.resolve(name + ".bin"), CifarFiles.binary(p, l));
            Files.write(py.resolve(name), CifarFiles.pickle(p, n, new String[] {"labels"}, l));
        }
        Files.writeString(bin.resolve("batches.meta.txt"), String.join("\n", CifarReader.CIFAR10_CLASSES) + "\n\n");
        Files.write(py.resolve("batches.meta"), CifarFiles.meta(java.util.Map.of("label_names", CifarReader.CIFAR10_CLASSES)));
        return tmp;
    }

    @Test
    void cifar10BinaryAndPythonGiveIdenticalImagesAndLabels() throws IOException {
        Path root = cifar10BothFormats();
        LoadedDataset bin = Datasets.load("cifar10", root.resolve("cifar-10-batches-bin"), LoadOptions.whatIsThere());
        LoadedDataset py = Datasets.load("cifar10", root.resolve("cifar-10-batches-py"), LoadOptions.whatIsThere());
        assertThat(bin.train().size()).isEqualTo(20);
        assertThat(bin.test().size()).isEqualTo(3);
        assertThat(py.trainImages().pixels()).isEqualTo(bin.trainImages().pixels());
        assertThat(py.trainImages().labels()).isEqualTo(bin.trainImages().labels());
        assertThat(py.testImages().pixels()).isEqualTo(bin.testImages().pixels());
        assertThat(py.classes()).isEqualTo(bin.classes()).containsExactlyElementsOf(CifarReader.CIFAR10_CLASSES);
        assertThat(py.fingerprint()).isEqualTo(bin.fingerprint());
        // HWC: pixel (0,1) of image 0 takes R, G, B from the three planes
        byte[] p = planes(4, 1);
        assertThat(bin.trainImages().pixels()[3]).isEqualTo(p[1]);
        assertThat(bin.trainImages().pixels()[4]).isEqualTo(p[1024 + 1]);
        assertThat(bin.trainImages().pixels()[5]).isEqualTo(p[2048 + 1]);
    }

    @Test
    void aDirectoryWithOnlyTheTestFileServesTestOnlyCommands() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("only-test"));
        Files.write(dir.resolve("test_batch.bin"), CifarFiles.binary(planes(2, 1), new int[] {1, 2}));
        LoadedDataset d = Datasets.load("cifar10", dir, new LoadOptions(false, 0, false, true));
        assertThat(d.train()).isNull();
        assertThat(d.test().size()).isEqualTo(2);
        assertThatThrownBy(() -> Datasets.load("cifar10", dir, new LoadOptions(false, 0, true, false)))
                .isInstanceOf(ResNet4jException.class).hasMessageContaining("0 of the 5 CIFAR-10 training files");
    }

    @Test
    void cifar100FineAndCoarseLabelsInBothFormats() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("cifar-100-binary"));
        Path py = Files.createDirectories(tmp.resolve("cifar-100-python"));
        byte[] p = planes(5, 7);
        int[] coarse = {0, 19, 3, 4, 5};
        int[] fine = {99, 0, 42, 7, 8};
        for (String split : List.of("train", "test")) {
            Files.write(bin.resolve(split + ".bin"), CifarFiles.binary(p, coarse, fine));
            Files.write(py.resolve(split), CifarFiles.pickle(p, 5, new String[] {"fine_labels", "coarse_labels"}, fine, coarse));
        }
        List<String> fineNames = IntStream.range(0, 100).mapToObj(i -> "f" + i).toList();
        Files.writeString(bin.resolve("fine_label_names.txt"), String.join("\n", fineNames));
        Files.write(py.resolve("meta"), CifarFiles.meta(java.util.Map.of("fine_label_names", fineNames,
                "coarse_label_names", IntStream.range(0, 20).mapToObj(i -> "c" + i).toList())));
        for (Path dir : List.of(bin, py)) {
            LoadedDataset f = Datasets.load("cifar100", dir, LoadOptions.whatIsThere());
            assertThat(f.trainImages().labels()).containsExactly(fine);
            assertThat(f.classes()).hasSize(100).startsWith("f0");
            LoadedDataset c = Datasets.load("cifar100-coarse", dir, LoadOptions.whatIsThere());
            assertThat(c.testImages().labels()).containsExactly(coarse);
            assertThat(c.classes()).hasSize(20);
            assertThat(c.trainImages().pixels()).isEqualTo(Datasets.load("cifar100", bin, LoadOptions.whatIsThere()).trainImages().pixels());
        }
    }

    @Test
    void realNumpyPicklesReadLikeTheBinaryFiles() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "/usr/bin/python3 not found: skipping the numpy pickle cross-check");
        String script = String.join("\n",
                "import numpy as np, pickle, sys",
                "rng = np.random.RandomState(0)",
                "data = rng.randint(0, 256, size=(6, 3072)).astype(np.uint8)",
                "labels = [int(x) for x in rng.randint(0, 10, size=6)]",
                "d = sys.argv[1]",
                "open(d + '/test_batch.bin', 'wb').write(b''.join(bytes([l]) + r.tobytes() for l, r in zip(labels, data)))",
                "for proto in (2, 4):",
                "    pickle.dump({b'batch_label': b'test', b'labels': labels, b'data': data, b'filenames': [b'a.png'] * 6},",
                "                open(d + '/test_batch.p%d' % proto, 'wb'), protocol=proto)");
        Process p = new ProcessBuilder(python.toString(), "-c", script, tmp.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() == 0, "python3 with numpy not usable: " + out);
        LoadedDataset bin = Datasets.load("cifar10", tmp.resolve("test_batch.bin"), LoadOptions.whatIsThere());
        for (String proto : List.of("p2", "p4")) {
            Path f = tmp.resolve("test_" + proto);
            Files.move(tmp.resolve("test_batch." + proto), f);
            LoadedDataset py = Datasets.load("cifar10", f, LoadOptions.whatIsThere());
            assertThat(py.testImages().pixels()).isEqualTo(bin.testImages().pixels());
            assertThat(py.testImages().labels()).isEqualTo(bin.testImages().labels());
        }
    }

    @Test
    void thePickleReaderRefusesCode() {
        byte[] evil = "\u0080\u0002cos\nsystem\nU\u0002ls\u0085R.".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> NumpyPickle.read(evil, "evil.pkl")).isInstanceOf(ResNet4jException.class)
                .hasMessage("evil.pkl: the pickle names os.system, which is not on the allowlist; refused without running anything");
    }

    // ---- bad input: one clear line naming the file ----

    @Test
    void truncatedAndOverLongCifarFiles() throws IOException {
        byte[] good = CifarFiles.binary(planes(2, 1), new int[] {1, 2});
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Files.write(dir.resolve("test_batch.bin"), java.util.Arrays.copyOf(good, good.length - 100));
        assertThatThrownBy(() -> Datasets.load("cifar10", dir, LoadOptions.whatIsThere())).isInstanceOf(ResNet4jException.class)
                .hasMessageContaining(dir.resolve("test_batch.bin").toString()).hasMessageContaining("truncated or over-long");
        Files.write(dir.resolve("test_batch.bin"), java.util.Arrays.copyOf(good, good.length + 1));
        assertThatThrownBy(() -> Datasets.load("cifar10", dir, LoadOptions.whatIsThere())).hasMessageContaining("not a whole number of 3073-byte records");
    }

    @Test
    void cifarLabelOutOfRange() throws IOException {
        Path f = tmp.resolve("test_batch.bin");
        Files.write(f, CifarFiles.binary(planes(2, 1), new int[] {1, 12}));
        assertThatThrownBy(() -> Datasets.load("cifar10", f, LoadOptions.whatIsThere())).isInstanceOf(ResNet4jException.class)
                .hasMessage(f + ": image 1 has label 12, outside 0..9");
    }

    @Test
    void pickleImageAndLabelCountsDisagree() throws IOException {
        Path f = tmp.resolve("test_batch");
        Files.write(f, CifarFiles.pickle(planes(3, 1), 3, new String[] {"labels"}, new int[] {1, 2}));
        assertThatThrownBy(() -> Datasets.load("cifar10", f, LoadOptions.whatIsThere())).isInstanceOf(ResNet4jException.class)
                .hasMessageStartingWith(f + ": image and label counts disagree");
    }

    private static byte[] idx(int magic, int[] dims, byte[] data) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    private Path mnist(boolean gz, int trainLabels, int badLabel) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(gz ? "mnist-gz" : "mnist"));
        byte[] img = new byte[3 * 28 * 28];
        new Random(3).nextBytes(img);
        byte[] lab = {1, 2, (byte) badLabel};
        String ext = gz ? ".gz" : "";
        Files.write(dir.resolve("train-images-idx3-ubyte" + ext), gz ? gzip(idx(0x803, new int[] {3, 28, 28}, img)) : idx(0x803, new int[] {3, 28, 28}, img));
        byte[] labels = idx(0x801, new int[] {trainLabels}, java.util.Arrays.copyOf(lab, trainLabels));
        Files.write(dir.resolve("train-labels-idx1-ubyte" + ext), gz ? gzip(labels) : labels);
        Files.write(dir.resolve("t10k-images-idx3-ubyte" + ext), gz ? gzip(idx(0x803, new int[] {1, 28, 28}, new byte[784])) : idx(0x803, new int[] {1, 28, 28}, new byte[784]));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte" + ext), gz ? gzip(idx(0x801, new int[] {1}, new byte[] {9})) : idx(0x801, new int[] {1}, new byte[] {9}));
        return dir;
    }

    @Test
    void idxFilesGzippedOrNot() throws IOException {
        LoadedDataset plain = Datasets.load("mnist", mnist(false, 3, 3), LoadOptions.whatIsThere());
        LoadedDataset gz = Datasets.load("fashion-mnist", mnist(true, 3, 3), LoadOptions.whatIsThere());
        assertThat(plain.trainImages().shape()).containsExactly(1, 28, 28);
        assertThat(plain.trainImages().labels()).containsExactly(1, 2, 3);
        assertThat(gz.trainImages().pixels()).isEqualTo(plain.trainImages().pixels());
        assertThat(gz.testImages().labels()).containsExactly(9);
        assertThat(gz.classes()).startsWith("T-shirt/top");
        LoadedDataset rgb = Datasets.load("mnist", tmp.resolve("mnist"), new LoadOptions(false, 3, true, true));
        assertThat(rgb.trainImages().shape()).containsExactly(3, 28, 28);
        assertThat(rgb.trainImages().pixels()[5]).isEqualTo(plain.trainImages().pixels()[1]);
    }

    @Test
    void idxWrongMagicWrongSizeBadLabelAndCountMismatch() throws IOException {
        Path dir = mnist(false, 3, 3);
        Path images = dir.resolve("train-images-idx3-ubyte");
        byte[] good = Files.readAllBytes(images);
        good[3] = 0x01;
        Files.write(images, good);
        assertThatThrownBy(() -> Datasets.load("mnist", dir, LoadOptions.whatIsThere())).isInstanceOf(ResNet4jException.class)
                .hasMessage(images + ": wrong IDX magic 0x00000801, expected 0x00000803 (uint8 images)");
        good[3] = 0x03;
        Files.write(images, java.util.Arrays.copyOf(good, good.length - 1));
        assertThatThrownBy(() -> Datasets.load("mnist", dir, LoadOptions.whatIsThere())).hasMessageStartingWith(images + ": wrong IDX size");
        Path dir2 = mnist(true, 2, 3);
        assertThatThrownBy(() -> Datasets.load("mnist", dir2, LoadOptions.whatIsThere()))
                .hasMessageContaining("image and label counts disagree: 3 images but").hasMessageContaining("has 2 labels");
        Files.delete(dir2.resolve("train-labels-idx1-ubyte.gz"));
        Path dir3 = mnist(true, 3, 10);
        assertThatThrownBy(() -> Datasets.load("mnist", dir3, LoadOptions.whatIsThere()))
                .hasMessage(dir3.resolve("train-labels-idx1-ubyte.gz") + ": label 2 is 10, outside 0..9");
    }

    private static byte[] image(String format, boolean grey, int seed) throws IOException {
        BufferedImage img = new BufferedImage(8, 6, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, grey ? 0x010101 * r.nextInt(256) : r.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }

    /** train/{cat,dog} and test/{cat,dog}: PNG, JPEG and BMP, one grey PNG. */
    private Path folder() throws IOException {
        Path root = tmp.resolve("photos");
        for (String split : List.of("train", "test")) {
            Files.createDirectories(root.resolve(split + "/dog"));
            Files.createDirectories(root.resolve(split + "/cat"));
            Files.write(root.resolve(split + "/cat/a.png"), image("png", false, 1));
            Files.write(root.resolve(split + "/cat/b.bmp"), image("bmp", false, 2));
            Files.write(root.resolve(split + "/dog/c.jpg"), image("jpg", false, 3));
            Files.write(root.resolve(split + "/dog/d.png"), image("png", true, 4));
            Files.writeString(root.resolve(split + "/dog/notes.txt"), "not an image");
        }
        return root;
    }

    private static Path zip(Path dir, Path zip) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip)); var walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new ZipEntry(dir.relativize(p).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
        }
        return zip;
    }

    @Test
    void folderDirectoryAndZipReadAlike() throws IOException {
        Path dir = folder();
        LoadedDataset d = Datasets.load("folder", dir, LoadOptions.whatIsThere());
        assertThat(d.classes()).containsExactly("cat", "dog");
        assertThat(d.trainImages().shape()).containsExactly(3, 6, 8);
        assertThat(d.trainImages().labels()).containsExactly(0, 0, 1, 1);
        // the grey PNG is expanded to RGB: equal channels, and the raw grey values kept
        byte[] px = d.trainImages().pixels();
        int grey = 3 * 144;
        assertThat(px[grey]).isEqualTo(px[grey + 1]).isEqualTo(px[grey + 2]);
        BufferedImage png = ImageIO.read(new java.io.ByteArrayInputStream(image("png", false, 1)));
        assertThat(px[0] & 0xFF).isEqualTo(png.getRGB(0, 0) >> 16 & 0xFF);
        LoadedDataset z = Datasets.load("folder", zip(dir, tmp.resolve("photos.zip")), LoadOptions.whatIsThere());
        assertThat(z.trainImages().pixels()).isEqualTo(d.trainImages().pixels());
        assertThat(z.fingerprint()).isEqualTo(d.fingerprint());
        assertThat(Datasets.load("folder", dir, new LoadOptions(false, 1, true, true)).testImages().channels()).isEqualTo(1);
    }

    @Test
    void undecodableAndEmptyImagesFailOrAreSkipped() throws IOException {
        Path dir = folder();
        Path bad = dir.resolve("train/cat/broken.jpg");
        Files.write(bad, new byte[] {1, 2, 3, 4});
        assertThatThrownBy(() -> Datasets.load("folder", dir, LoadOptions.whatIsThere())).isInstanceOf(ResNet4jException.class)
                .hasMessage(bad + ": not an image (no JPEG, PNG, BMP or GIF signature); use --skip-bad to skip such images");
        LoadedDataset skipped = Datasets.load("folder", dir, new LoadOptions(true, 0, false, false));
        assertThat(skipped.train().size()).isEqualTo(4);
        Files.write(bad, new byte[0]);
        assertThatThrownBy(() -> Datasets.load("folder", dir, LoadOptions.whatIsThere())).hasMessageStartingWith(bad + ": empty image file");
    }

    @Test
    void emptyClassFolderAndAZipThatIsNotAZip() throws IOException {
        Path dir = folder();
        Path empty = Files.createDirectories(dir.resolve("train/zebra"));
        assertThatThrownBy(() -> Datasets.load("folder", dir, LoadOptions.whatIsThere())).isInstanceOf(ResNet4jException.class)
                .hasMessage(empty + ": empty class folder (no JPEG, PNG or BMP images)");
        Path notZip = tmp.resolve("data.zip");
        Files.writeString(notZip, "hello");
        assertThatThrownBy(() -> Datasets.load("folder", notZip, LoadOptions.whatIsThere()))
                .hasMessage(notZip + ": not a zip file (no zip signature at the start)");
        byte[] torn = Files.readAllBytes(zip(folder(), tmp.resolve("ok.zip")));
        Files.write(notZip, java.util.Arrays.copyOf(torn, 40));
        assertThatThrownBy(() -> Datasets.load("folder", notZip, LoadOptions.whatIsThere()))
                .isInstanceOf(ResNet4jException.class).hasMessageStartingWith(notZip + ": not a valid zip file");
    }

    @Test
    void unknownDatasetAndMissingData() {
        assertThatThrownBy(() -> Datasets.load("imagenet", tmp, LoadOptions.whatIsThere()))
                .hasMessage("--dataset: unknown dataset 'imagenet' (known: cifar10, cifar100, cifar100-coarse, mnist, fashion-mnist, folder)");
        DataLocator locator = new DataLocator(java.util.Map.of("RESNET4J_DATA", tmp.resolve("env").toString()), tmp, tmp.resolve("home"));
        assertThatThrownBy(() -> locator.locate("cifar10")).isInstanceOf(ResNet4jException.class)
                .hasMessageContaining("looked in " + tmp.resolve("env/cifar-10-batches-bin"))
                .hasMessageContaining(tmp.resolve("data/cifar-10-batches-bin").toString())
                .hasMessageContaining(tmp.resolve("home/.resnet4j/data/cifar-10-batches-bin").toString());
    }

    @Test
    void locatorSearchesInOrder() throws IOException {
        Files.createDirectories(tmp.resolve("home/.resnet4j/data/mnist"));
        DataLocator locator = new DataLocator(java.util.Map.of(), tmp, tmp.resolve("home"));
        assertThat(locator.locate("mnist")).isEqualTo(tmp.resolve("home/.resnet4j/data/mnist"));
        Files.createDirectories(tmp.resolve("data/mnist"));
        assertThat(locator.locate("mnist")).isEqualTo(tmp.resolve("data/mnist"));
    }
}
