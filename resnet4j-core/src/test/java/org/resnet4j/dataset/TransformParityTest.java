package org.resnet4j.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every transform against torchvision 0.14 on PIL images with the same parameters (ResNet4J draws
 * them, torchvision applies them), and the presets' test pipelines against torchvision's on image
 * files. Tolerance: bytes (decoding, resizing, cropping, flips, colour) must be identical; floats
 * within 1e-5 (torchvision divides by the std where ResNet4J multiplies by its inverse). Skipped, with
 * the reason, where /usr/bin/python3 has no torchvision.
 */
class TransformParityTest {
    static final Path ZIP = Path.of("..", "shared", "data", "cifar10-jpeg.zip");
    static final double FLOAT_TOLERANCE = 1e-5;

    @TempDir static Path dir;
    static Torchvision tv;
    /** Per family of transforms, (description, torchvision case, ResNet4J's result). */
    static final Map<String, List<Check>> CHECKS = new java.util.HashMap<>();
    static List<Path> photos = new ArrayList<>();

    record Check(String what, int id, Picture ours) {}

    @BeforeAll
    static void runTorchvision() throws Exception {
        String why = Torchvision.unavailable();
        Assumptions.assumeTrue(why == null, "torchvision parity tests skipped: " + why);
        tv = new Torchvision(dir);
        Picture rgb = noise(37, 53, 3, 1);
        Picture big = noise(211, 157, 3, 2);
        Picture grey = noise(29, 41, 1, 3);
        Picture smooth = gradient(64, 48);
        List<Picture> sources = List.of(rgb, big, grey, smooth);
        for (Picture p : sources) {
            for (int[] s : new int[][] {{20, 17}, {100, 120}, {37, 20}, {5, 5}, {1, 1}, {p.height() * 3 + 1, p.width()}}) {
                check("resize", "Resize(" + s[0] + "x" + s[1] + ") of " + p, "resize", p, Resize.to(s[0], s[1]).apply(p, (Void) null),
                        params("size", List.of(s[0], s[1])));
            }
            for (int s : new int[] {24, 100, 256}) {
                check("resize", "Resize(" + s + ") of " + p, "resize", p, Resize.shorterSide(s).apply(p, (Void) null),
                        params("size", List.of(s)));
            }
        }
        for (Picture p : List.of(big, rgb, grey)) {
            RandomResizedCrop rrc = new RandomResizedCrop(32, 32);
            RandomResizedCrop up = new RandomResizedCrop(224, 224);
            for (int seed = 0; seed < 8; seed++) {
                RandomResizedCrop t = seed % 4 == 3 ? up : rrc;
                int size = t == up ? 224 : 32;
                RandomResizedCrop.Box b = t.draw(new SplittableRandom(seed), p.height(), p.width());
                JsonObject q = params("top", b.top(), "left", b.left(), "height", b.height(), "width", b.width(), "size",
                        List.of(size, size));
                check("rrc", "RandomResizedCrop " + b + " of " + p, "resized_crop", p, t.apply(p, b), q);
            }
            double[][] boxes = {{0.5, 1.25, 30.75, 20.5}, {3, 2, p.width() - 1.5, p.height() - 0.25}, {0, 0, p.width(), p.height()}};
            for (double[] box : boxes) {
                Picture ours = Resampler.resizeBox(p, box[0], box[1], box[2], box[3], 13, 17);
                check("box", "resize box " + java.util.Arrays.toString(box) + " of " + p, "resize_box", p, ours,
                        params("box", List.of(box[0], box[1], box[2], box[3]), "height", 13, "width", 17));
            }
            ScaleAugmentation scale = new ScaleAugmentation(20, 60);
            for (int seed = 0; seed < 3; seed++) {
                Integer s = scale.draw(new SplittableRandom(seed), p.height(), p.width());
                check("scale", "ScaleAugmentation " + s + " of " + p, "resize", p, scale.apply(p, s), params("size", List.of(s)));
            }
        }
        Normalization perChannel = new Normalization(Normalization.PER_CHANNEL, new int[] {3, 37, 53},
                new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
        Picture normalised = new Normalize(perChannel, 3, 37, 53).apply(ToFloat.INSTANCE.apply(rgb, (Void) null), (Void) null);
        for (int seed = 0; seed < 4; seed++) {
            RandomCrop crop = new RandomCrop(32, 32, 4);
            for (Picture p : List.of(rgb, grey, normalised)) {
                RandomCrop.Offset o = crop.draw(new SplittableRandom(seed), p.height(), p.width());
                check("crop", "RandomCrop(32, padding 4) " + o + " of " + p, "pad_crop", p, crop.apply(p, o),
                        params("padding", 4, "top", o.top(), "left", o.left(), "height", 32, "width", 32));
            }
        }
        for (Picture p : List.of(rgb, grey, big)) {
            for (int[] s : new int[][] {{20, 20}, {36, 52}, {40, 60}, {30, 54}, {p.height(), p.width()}}) {
                check("center", "CenterCrop(" + s[0] + "x" + s[1] + ") of " + p, "center_crop", p,
                        new CenterCrop(s[0], s[1]).apply(p, (Void) null), params("size", List.of(s[0], s[1])));
            }
            List<Picture> crops = new ArrayList<>();
            for (List<Transform<?>> view : TenCrop.views(25, 19)) {
                Picture q = p;
                for (Transform<?> t : view) {
                    q = applyDrawn(t, q, new SplittableRandom(0));
                }
                crops.add(q);
            }
            check("tencrop", "TenCrop(25x19) of " + p, "ten_crop", p, concat(crops), params("size", List.of(25, 19)));
            check("flip", "hflip of " + p, "hflip", p, p.flipHorizontal(), null);
        }
        check("channels", "grey of " + rgb, "grey", rgb, new ToChannels(1).apply(rgb, (Void) null), null);
        check("channels", "grey of " + big, "grey", big, new ToChannels(1).apply(big, (Void) null), null);
        check("channels", "RGB of " + grey, "rgb", grey, new ToChannels(3).apply(grey, (Void) null), null);
        check("normalize", "ToTensor + Normalize(ImageNet) of " + rgb, "normalize", rgb, normalised, normalizeParams(perChannel));
        float[] meanImage = new float[3 * 37 * 53];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < meanImage.length; i++) {
            meanImage[i] = (float) r.nextDouble();
        }
        Normalization perPixel = new Normalization(Normalization.PER_PIXEL, new int[] {3, 37, 53}, meanImage, null);
        check("normalize", "ToTensor + per-pixel mean of " + rgb, "normalize", rgb,
                new Normalize(perPixel, 3, 37, 53).apply(ToFloat.INSTANCE.apply(rgb, (Void) null), (Void) null),
                normalizeParams(perPixel));
        Lighting lighting = new Lighting();
        RandomErasing erasing = new RandomErasing(1.0);
        for (int seed = 0; seed < 3; seed++) {
            double[] alpha = lighting.draw(new SplittableRandom(seed), 37, 53);
            check("lighting", "Lighting " + java.util.Arrays.toString(alpha), "lighting", rgb,
                    lighting.apply(ToFloat.INSTANCE.apply(rgb, (Void) null), alpha), params("alpha", List.of(alpha[0], alpha[1], alpha[2])));
            RandomErasing.Rect e = erasing.draw(new SplittableRandom(seed), 37, 53);
            check("erase", "RandomErasing " + e, "erase", rgb, erasing.apply(ToFloat.INSTANCE.apply(rgb, (Void) null), e),
                    params("top", e.top(), "left", e.left(), "height", e.height(), "width", e.width()));
        }
        ColorJitter jitter = new ColorJitter(0.4, 0.4, 0.4, 0.1);
        for (Picture p : List.of(rgb, smooth, grey)) {
            for (int seed = 0; seed < 6; seed++) {
                ColorJitter.Factors f = jitter.draw(new SplittableRandom(seed), p.height(), p.width());
                JsonObject q = params("order", List.of(f.order()[0], f.order()[1], f.order()[2], f.order()[3]));
                q.addProperty("brightness", f.brightness());
                q.addProperty("contrast", f.contrast());
                q.addProperty("saturation", f.saturation());
                q.addProperty("hue", f.hue());
                check("jitter", "ColorJitter " + q + " of " + p, "jitter", p, jitter.apply(p, f), q);
            }
        }
        writePhotos();
        for (Path photo : photos) {
            byte[] bytes = Files.readAllBytes(photo);
            check("decode", "decode " + photo.getFileName(), tv.addFile("decode", photo, null), Decoders.best().decode(bytes));
            check("imageio", "ImageIO decode " + photo.getFileName(), tv.addFile("decode", photo, null),
                    Decoders.imageIo().decode(bytes));
            addPresetChecks(photo, bytes);
        }
        tv.run();
    }

    /** The presets' test pipelines on a file, against torchvision's Compose of the same steps. */
    private static void addPresetChecks(Path photo, byte[] bytes) {
        Normalization imagenet = Preset.named("imagenet").normalization(null, "per-channel", 3, 64, 64, 0);
        for (String name : List.of("imagenet", "imagenet-paper")) {
            Preset preset = Preset.named(name);
            for (boolean ten : new boolean[] {false, true}) {
                Pipeline p = ten ? preset.tenCrop(3, 64, 64, imagenet) : preset.eval(3, 64, 64, imagenet);
                float[] out = new float[p.outFloats()];
                p.apply(bytes, Decoders.best(), new SplittableRandom(0), out, 0);
                JsonObject q = params("channels", 3, "resize", List.of(73), "crop", List.of(64, 64), "ten_crop", ten);
                q.add("normalize", normalizeParams(imagenet));
                CHECKS.computeIfAbsent("preset", k -> new ArrayList<>()).add(new Check(name + (ten ? " ten-crop" : "") + " on "
                        + photo.getFileName(), tv.addFile("pipeline", photo, q), Picture.ofFloats(1, out.length / 3, 3, out)));
            }
        }
        float[] mean = new float[32 * 32];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (i % 97) / 97f;
        }
        Normalization greyMean = new Normalization(Normalization.PER_PIXEL, new int[] {1, 32, 32}, mean, null);
        Pipeline cifar = Preset.named("cifar").eval(1, 32, 32, greyMean);
        float[] out = new float[cifar.outFloats()];
        cifar.apply(bytes, Decoders.best(), new SplittableRandom(0), out, 0);
        JsonObject q = params("channels", 1, "resize", List.of(32, 32));
        q.add("normalize", normalizeParams(greyMean));
        CHECKS.computeIfAbsent("preset", k -> new ArrayList<>()).add(new Check("cifar grey 32x32 on " + photo.getFileName(),
                tv.addFile("pipeline", photo, q), Picture.ofFloats(32, 32, 1, out)));
    }

    /**
     * Photos of several sizes and aspect ratios: CIFAR-10 test images (where ../shared/data has them)
     * or gradients, upscaled, as JPEG (colour and grey) and PNG.
     */
    private static void writePhotos() throws IOException {
        List<Picture> pictures = new ArrayList<>();
        if (Files.exists(ZIP)) {
            try (ZipFile zip = new ZipFile(ZIP.toFile())) {
                for (String name : List.of("test/cat/0000.jpg", "test/ship/0001.jpg", "test/frog/0002.jpg")) {
                    ZipEntry e = zip.getEntry(name);
                    pictures.add(Decoders.imageIo().decode(zip.getInputStream(e).readAllBytes()));
                }
            }
        } else {
            pictures.add(gradient(32, 32));
            pictures.add(noise(32, 32, 3, 9));
            pictures.add(gradient(40, 30));
        }
        int[][] sizes = {{250, 333}, {375, 250}, {97, 131}};
        for (int i = 0; i < pictures.size(); i++) {
            Picture p = Resampler.resize(pictures.get(i), sizes[i][0], sizes[i][1]);
            photos.add(write(p, "photo" + i + ".jpg", "jpeg"));
        }
        photos.add(write(Resampler.resize(pictures.get(0), 80, 120), "photo.png", "png"));
        photos.add(write(new ToChannels(1).apply(Resampler.resize(pictures.get(1), 90, 70), (Void) null), "grey.jpg", "jpeg"));
        photos.add(write(Resampler.resize(pictures.get(2), 50, 40), "small-portrait.jpg", "jpeg")); // smaller than the crop
    }

    static Path write(Picture p, String name, String format) throws IOException {
        return writeTo(p, dir.resolve(name), format);
    }

    /** {@code p} as a JPEG file. */
    static Path writeTo(Picture p, Path file) throws IOException {
        return writeTo(p, file, "jpeg");
    }

    static Path writeTo(Picture p, Path file, String format) throws IOException {
        BufferedImage img = new BufferedImage(p.width(), p.height(),
                p.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < p.height(); y++) {
            for (int x = 0; x < p.width(); x++) {
                int o = (y * p.width() + x) * p.channels();
                if (p.channels() == 1) {
                    img.getRaster().setSample(x, y, 0, p.bytes()[o] & 0xFF);
                } else {
                    img.setRGB(x, y, (p.bytes()[o] & 0xFF) << 16 | (p.bytes()[o + 1] & 0xFF) << 8 | (p.bytes()[o + 2] & 0xFF));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        Files.write(file, out.toByteArray());
        return file;
    }

    private static void check(String family, String what, String op, Picture in, Picture ours, JsonObject params) {
        check(family, what, tv.add(op, in, params), ours);
    }

    private static void check(String family, String what, int id, Picture ours) {
        CHECKS.computeIfAbsent(family, k -> new ArrayList<>()).add(new Check(what, id, ours));
    }

    private static <P> Picture applyDrawn(Transform<P> t, Picture p, SplittableRandom r) {
        return t.apply(p, t.draw(r, p.height(), p.width()));
    }

    static JsonObject params(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return new Gson().toJsonTree(m).getAsJsonObject();
    }

    private static JsonObject normalizeParams(Normalization n) {
        JsonObject o = params("mode", n.mode(), "mean", n.mean());
        if (n.std() != null) {
            o.add("std", new Gson().toJsonTree(n.std()));
        }
        return o;
    }

    static Picture noise(int h, int w, int c, long seed) {
        byte[] px = new byte[h * w * c];
        new SplittableRandom(seed).nextBytes(px);
        return Picture.ofBytes(h, w, c, px);
    }

    /** A smooth colour picture, as photos mostly are. */
    static Picture gradient(int h, int w) {
        byte[] px = new byte[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                px[o] = (byte) (255 * x / Math.max(1, w - 1));
                px[o + 1] = (byte) (255 * y / Math.max(1, h - 1));
                px[o + 2] = (byte) (128 + 100 * Math.sin((x + y) / 7.0));
            }
        }
        return Picture.ofBytes(h, w, 3, px);
    }

    private static Picture concat(List<Picture> ps) {
        Picture first = ps.get(0);
        int n = first.bytes().length;
        byte[] all = new byte[n * ps.size()];
        for (int i = 0; i < ps.size(); i++) {
            System.arraycopy(ps.get(i).bytes(), 0, all, i * n, n);
        }
        return Picture.ofBytes(first.height() * ps.size(), first.width(), first.channels(), all);
    }

    /** Every check of {@code family}: identical bytes, or floats within the tolerance; returns how many differ. */
    private static void assertSame(String family) throws IOException {
        List<Check> checks = CHECKS.get(family);
        assertThat(checks).as(family).isNotEmpty();
        for (Check c : checks) {
            if (c.ours().isFloat()) {
                float[] theirs = tv.floats(c.id());
                float[] ours = c.ours().floats();
                assertThat(ours.length).as(c.what()).isEqualTo(theirs.length);
                double max = 0;
                for (int i = 0; i < ours.length; i++) {
                    max = Math.max(max, Math.abs(ours[i] - theirs[i]));
                }
                assertThat(max).as("largest difference, %s", c.what()).isLessThanOrEqualTo(FLOAT_TOLERANCE);
            } else {
                byte[] theirs = tv.bytes(c.id());
                byte[] ours = c.ours().bytes();
                assertThat(ours.length).as(c.what()).isEqualTo(theirs.length);
                int differ = 0;
                int max = 0;
                for (int i = 0; i < ours.length; i++) {
                    int d = Math.abs((ours[i] & 0xFF) - (theirs[i] & 0xFF));
                    differ += d == 0 ? 0 : 1;
                    max = Math.max(max, d);
                }
                assertThat(differ).as("values that differ (largest by %d) of %d, %s", max, ours.length, c.what()).isZero();
            }
        }
    }

    @Test
    void resizeIsPilsBilinearWithAntialiasing() throws IOException {
        assertSame("resize");
    }

    @Test
    void randomResizedCropIsTorchvisionsResizedCrop() throws IOException {
        assertSame("rrc");
    }

    @Test
    void reducedDecodingResizesWithPilsFractionalBox() throws IOException {
        assertSame("box");
    }

    @Test
    void scaleAugmentationResizesTheShorterSide() throws IOException {
        assertSame("scale");
    }

    @Test
    void padAndRandomCropOnBytesAndNormalisedFloats() throws IOException {
        assertSame("crop");
    }

    @Test
    void centerCropPadsWhenThePictureIsSmaller() throws IOException {
        assertSame("center");
    }

    @Test
    void tenCropIsTorchvisionsInItsOrder() throws IOException {
        assertSame("tencrop");
    }

    @Test
    void horizontalFlip() throws IOException {
        assertSame("flip");
    }

    @Test
    void greyAndRgbConversionsArePils() throws IOException {
        assertSame("channels");
    }

    @Test
    void toTensorAndNormalize() throws IOException {
        assertSame("normalize");
    }

    @Test
    void pcaLightingIsFbResnetTorchs() throws IOException {
        assertSame("lighting");
    }

    @Test
    void randomErasingIsTorchvisionsErase() throws IOException {
        assertSame("erase");
    }

    @Test
    void colorJitterIsTorchvisionsOnPil() throws IOException {
        assertSame("jitter");
    }

    @Test
    void jpegAndPngDecodeToPilsPixels() throws IOException {
        assertSame("decode");
    }

    @Test
    void imageIoFallbackDecodesJpegAsPil() throws IOException {
        assertSame("imageio");
    }

    @Test
    void presetTestPipelinesMatchTorchvisionOnFiles() throws IOException {
        assertSame("preset");
    }
}
