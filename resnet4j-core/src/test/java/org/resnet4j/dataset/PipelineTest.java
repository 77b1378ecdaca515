package org.resnet4j.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.resnet4j.ResNet4jException;
import org.resnet4j.util.Devices;

/** The pipeline's own logic: the fused CIFAR loop, random parameters, presets, reduced decoding. */
class PipelineTest {
    @Test
    void fusedCifarLoopGivesTheComposedTransformsFloatsBitForBit() {
        for (int c : new int[] {1, 3}) {
            ImageSet set = TestImages.random(20, 4, c, 12, 10, c);
            for (String mode : List.of(Normalization.PER_PIXEL, Normalization.PER_CHANNEL, Normalization.NONE)) {
                Normalization norm = Normalization.compute(set, mode);
                for (Preset.Options o : List.of(new Preset.Options(4, true, 0.5), new Preset.Options(0, false, 0),
                        new Preset.Options(2, true, 1.0))) {
                    Pipeline p = Preset.named("cifar").train(c, 12, 10, norm, o);
                    float[] fused = new float[p.outFloats()];
                    float[] composed = new float[p.outFloats()];
                    for (int i = 0; i < set.size(); i++) {
                        p.apply(set, i, new SplittableRandom(i), fused, 0); // in memory at the output size: fused
                        byte[] one = java.util.Arrays.copyOfRange(set.pixels(), i * set.imageBytes(), (i + 1) * set.imageBytes());
                        p.apply(Picture.ofBytes(12, 10, c, one), new SplittableRandom(i), composed, 0); // step by step
                        assertThat(fused).as("image %d, %s, %s", i, mode, o).isEqualTo(composed);
                    }
                }
            }
        }
    }

    @Test
    void fusedFloatTailGivesTheStepsOneByOneBitForBit() {
        // the pipeline writes flip + ToFloat + Lighting + Normalize + erasing in one pass; each step's
        // own apply, in order, with the same random draws, must give the same floats
        // (per-channel normalisation takes a table per channel, per-pixel a pass over the values)
        for (int c : new int[] {3, 1}) {
            ImageSet stats = TestImages.random(8, 2, c, 16, 16, 1);
            for (String preset : List.of(Preset.IMAGENET, Preset.IMAGENET_PAPER)) {
                for (String mode : List.of(Normalization.PER_PIXEL, Normalization.PER_CHANNEL, Normalization.NONE)) {
                    Normalization norm = Normalization.compute(stats, mode);
                    for (Preset.Options o : List.of(new Preset.Options(0, true, 0.5), new Preset.Options(0, false, 0))) {
                        Pipeline p = Preset.named(preset).train(c, 16, 16, norm, o);
                        ImageSet photos = TestImages.random(12, 2, c, 30, 41, 7);
                        for (int i = 0; i < photos.size(); i++) {
                            byte[] one = java.util.Arrays.copyOfRange(photos.pixels(), i * photos.imageBytes(),
                                    (i + 1) * photos.imageBytes());
                            float[] fused = new float[p.outFloats()];
                            p.apply(Picture.ofBytes(30, 41, c, one), new SplittableRandom(i), fused, 0);
                            Picture q = Picture.ofBytes(30, 41, c, one);
                            SplittableRandom r = new SplittableRandom(i);
                            for (Transform<?> t : p.steps()) {
                                q = step(t, q, r);
                            }
                            assertThat(fused).as("%d channels, %s, %s, %s, image %d", c, preset, mode, o, i).isEqualTo(q.floats());
                        }
                    }
                }
            }
        }
    }

    private static <P> Picture step(Transform<P> t, Picture p, SplittableRandom r) {
        return t.apply(p, t.draw(r, p.height(), p.width()));
    }

    @Test
    void randomResizedCropStaysInsideWithTorchvisionsScaleAndRatioAndFallsBackToTheCentre() {
        RandomResizedCrop t = new RandomResizedCrop(32, 32);
        SplittableRandom r = new SplittableRandom(1);
        int fallbacks = 0;
        for (int i = 0; i < 2000; i++) {
            RandomResizedCrop.Box b = t.draw(r, 375, 500);
            assertThat(b.top()).isBetween(0, 375 - b.height());
            assertThat(b.left()).isBetween(0, 500 - b.width());
            double area = (double) b.height() * b.width() / (375 * 500);
            double ratio = (double) b.width() / b.height();
            assertThat(area).isBetween(0.07, 1.0);
            assertThat(ratio).isBetween(0.74, 1.35);
            fallbacks += b.height() == 375 && b.width() == 500 ? 1 : 0;
        }
        assertThat(fallbacks).isLessThan(20);
        // a strip no crop of ratio 3/4..4/3 fits into ten times: the centre, ratio clamped to 4/3
        assertThat(t.draw(new SplittableRandom(0), 3, 400)).isEqualTo(new RandomResizedCrop.Box(0, 198, 3, 4));
        assertThat(t.draw(new SplittableRandom(0), 400, 3)).isEqualTo(new RandomResizedCrop.Box(198, 0, 4, 3));
    }

    @Test
    void imageSmallerThanTheCropIsResizedUp() {
        Picture portrait = TransformParityTest.noise(30, 20, 3, 4); // smaller than 64x64
        for (String preset : List.of("imagenet", "imagenet-paper")) {
            Normalization norm = Preset.named("imagenet").normalization(null, "per-channel", 3, 64, 64, 0);
            Preset p0 = Preset.named(preset);
            for (Pipeline p : List.of(p0.train(3, 64, 64, norm, new Preset.Options(0, true, 0)), p0.eval(3, 64, 64, norm),
                    p0.tenCrop(3, 64, 64, norm))) {
                float[] out = new float[p.outFloats()];
                for (int seed = 0; seed < 5; seed++) {
                    p.apply(portrait, new SplittableRandom(seed), out, 0);
                }
                assertThat(out).as(preset + " " + p).doesNotContain(Float.NaN);
            }
        }
        Picture up = Resize.shorterSide(73).apply(portrait, (Void) null);
        assertThat(new int[] {up.height(), up.width()}).containsExactly(109, 73);
    }

    @Test
    void reducedJpegDecodingKeepsTheRandomParametersAndCloseToFullDecoding() throws Exception {
        Decoder turbo = Decoders.best();
        org.junit.jupiter.api.Assumptions.assumeTrue(turbo instanceof TurboJpegDecoder,
                "libjpeg-turbo not installed (bash .ci/install): reduced decoding not tested");
        Picture photo = Resampler.resize(TransformParityTest.gradient(40, 30), 600, 800);
        java.nio.file.Path f = java.nio.file.Files.createTempFile("photo", ".jpg");
        try {
            byte[] jpeg = java.nio.file.Files.readAllBytes(TransformParityTest.writeTo(photo, f));
            Normalization none = Normalization.none(3, 32, 32);
            Pipeline reduced = Preset.named("imagenet").train(3, 32, 32, none, new Preset.Options(0, false, 0));
            Pipeline full = Pipeline.of(3, 32, 32, reduced.steps());
            float[] a = new float[reduced.outFloats()];
            float[] b = new float[full.outFloats()];
            double worst = 0;
            for (int seed = 0; seed < 20; seed++) {
                reduced.apply(jpeg, turbo, new SplittableRandom(seed), a, 0);
                full.apply(jpeg, turbo, new SplittableRandom(seed), b, 0);
                double sum = 0;
                for (int i = 0; i < a.length; i++) {
                    sum += Math.abs(a[i] - b[i]);
                }
                worst = Math.max(worst, sum / a.length);
            }
            assertThat(worst).as("mean absolute difference, 0..1 scale").isLessThan(0.02).isGreaterThan(0);
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    @Test
    void unknownPresetAndTenCropOfCifarAreOneLine() {
        assertThatThrownBy(() -> Preset.named("resnet")).isInstanceOf(ResNet4jException.class)
                .hasMessage("--preset: unknown preset 'resnet' (known: cifar, imagenet-paper, imagenet)");
        assertThatThrownBy(() -> Preset.named("cifar").tenCrop(3, 32, 32, Normalization.none(3, 32, 32)))
                .hasMessageStartingWith("--ten-crop: the cifar preset tests the whole image");
    }

    @Test
    void presetsScaleThePapersSizesWithTheInput() {
        assertThat(Preset.testSize(224, 224)).isEqualTo(256);
        assertThat(Preset.testSize(64, 64)).isEqualTo(73);
        Pipeline paper = Preset.named("imagenet-paper").train(3, 224, 224, Normalization.none(3, 224, 224),
                new Preset.Options(0, true, 0));
        assertThat(paper.toString()).contains("ScaleAugmentation(256, 480)", "RandomCrop(224x224)", "Lighting(0.1)");
    }

    /**
     * The batch tensor that predict, embed and Spark feed the network owns its memory: the
     * engine wraps the Java-side copy of the floats without copying, and that buffer is freed when
     * the garbage collector finds it unreachable, so a view of it read later would see whatever
     * reused the memory (a Spark task computed one image of a batch wrongly that way).
     */
    @Test
    void batchTensorKeepsItsFloatsAfterTheGarbageCollectorRuns() throws InterruptedException {
        Normalization norm = Preset.named("imagenet").normalization(null, "per-channel", 3, 32, 32, 0);
        Pipeline p = Preset.named("imagenet").eval(3, 32, 32, norm);
        int images = 16;
        float[] data = new float[images * p.outFloats()];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        try (NDManager manager = Devices.engine().newBaseManager()) {
            NDArray batch = p.toTensor(manager, data, images);
            List<ByteBuffer> reuse = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                System.gc();
                Thread.sleep(20); // the buffers' cleaner runs in its own thread
                for (int k = 0; k < 4; k++) { // allocations of the same size take freed memory back
                    ByteBuffer b = ByteBuffer.allocateDirect(data.length * Float.BYTES);
                    while (b.hasRemaining()) {
                        b.put((byte) 0x7f);
                    }
                    reuse.add(b);
                }
            }
            assertThat(batch.getShape().getShape()).containsExactly(images, 3, 32, 32);
            assertThat(batch.transpose(0, 2, 3, 1).toFloatArray()).as("the floats, back in NHWC order").containsExactly(data);
            java.lang.ref.Reference.reachabilityFence(reuse); // the reused memory stays taken until the check
        }
    }
}
