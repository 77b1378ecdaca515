package org.resnet4j.dataset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One road from an image to network input: decode, then {@code steps} in order, then each of the
 * {@code views} (one, or the ten crops of Table 3), each ending as normalised floats of exactly
 * {@code channels x height x width}, written HWC. Training, evaluation and prediction all run one.
 *
 * <p>With {@code reducedDecoding}, a first step that shrinks the photo a lot (a small random crop of a
 * large photo) lets a JPEG decoder decode it at 1/2, 1/4 or 1/8 of the size, which is faster and loses
 * nothing the step keeps; its random parameters are drawn from the full size first, so the data
 * stays the same whichever decoder runs. Evaluation pipelines decode at full size, as torchvision.
 */
public final class Pipeline {
    private final int channels;
    private final int height;
    private final int width;
    private final List<Transform<?>> steps;
    private final List<List<Transform<?>>> views;
    private final boolean reducedDecoding;
    private final FusedCifar fused;

    Pipeline(int channels, int height, int width, List<Transform<?>> steps, List<List<Transform<?>>> views,
            boolean reducedDecoding, FusedCifar fused) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.steps = List.copyOf(steps);
        this.views = views.isEmpty() ? List.of(List.of()) : views.stream().map(List::copyOf).toList();
        this.reducedDecoding = reducedDecoding;
        this.fused = fused;
    }

    /** One view, decoded at full size. */
    public static Pipeline of(int channels, int height, int width, List<Transform<?>> steps) {
        return new Pipeline(channels, height, width, steps, List.of(), false, null);
    }

    public int channels() { return channels; }
    public int height() { return height; }
    public int width() { return width; }
    /** Views per image: 1, or 10 for ten-crop testing. */
    public int views() { return views.size(); }
    /** Floats of one view, {@code channels * height * width}. */
    public int viewFloats() { return channels * height * width; }
    /** Floats per image, all views. */
    public int outFloats() { return views() * viewFloats(); }
    public List<Transform<?>> steps() { return steps; }

    /** The steps and views, for reports and errors. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Transform<?> t : steps) {
            b.append(b.length() == 0 ? "" : ", ").append(t);
        }
        if (views.size() > 1) {
            b.append(", ").append(views.size()).append(" views: ").append(views.get(0));
        } else if (!views.get(0).isEmpty()) {
            b.append(", ").append(views.get(0));
        }
        return "[" + b + "]";
    }

    /**
     * Image {@code index} of an in-memory set: {@code pixels} from {@code offset}, {@code h x w x c}
     * HWC bytes, into {@code out} from {@code outOffset}.
     */
    public void apply(byte[] pixels, int offset, int h, int w, int c, SplittableRandom random, float[] out, int outOffset) {
        if (fused != null && h == height && w == width && c == channels) {
            fused.apply(pixels, offset, random, out, outOffset);
            return;
        }
        byte[] copy = java.util.Arrays.copyOfRange(pixels, offset, offset + h * w * c);
        apply(Picture.ofBytes(h, w, c, copy), random, out, outOffset);
    }

    /**
     * Sample {@code i} of {@code set} into {@code out} from {@code outOffset}.
     *
     * @throws ImageDecodeException naming the file, when file {@code i} does not decode
     */
    public void apply(Samples set, int i, SplittableRandom random, float[] out, int outOffset) {
        if (set instanceof ImageSet s) {
            apply(s.pixels(), i * s.imageBytes(), s.height(), s.width(), s.channels(), random, out, outOffset);
            return;
        }
        ImageFiles files = (ImageFiles) set;
        try {
            apply(files.bytes(i), Decoders.best(), random, out, outOffset);
        } catch (ImageDecodeException e) {
            throw new ImageDecodeException(files.describe(i) + ": " + e.getMessage());
        }
    }

    /** A decoded picture into {@code out} from {@code outOffset}. */
    public void apply(Picture in, SplittableRandom random, float[] out, int outOffset) {
        Picture p = in;
        for (Transform<?> t : steps) {
            p = step(t, p, random);
        }
        finish(p, random, out, outOffset);
    }

    /**
     * An encoded image (JPEG, PNG, BMP, GIF) into {@code out} from {@code outOffset}.
     *
     * @throws ImageDecodeException when the bytes do not decode
     */
    public void apply(byte[] encoded, Decoder decoder, SplittableRandom random, float[] out, int outOffset) {
        int first = 0;
        while (first < steps.size() && steps.get(first) instanceof ToChannels) {
            first++;
        }
        int[] size = reducedDecoding && first < steps.size() && steps.get(first) instanceof Transform.Reducible<?>
                ? decoder.reducibleSize(encoded) : null;
        if (size == null) {
            apply(decoder.decode(encoded, 1), random, out, outOffset);
            return;
        }
        Picture p = reduced((Transform.Reducible<?>) steps.get(first), encoded, decoder, size, random);
        for (int i = first + 1; i < steps.size(); i++) {
            p = step(steps.get(i), p, random);
        }
        finish(p, random, out, outOffset);
    }

    /** Draws the first step's parameters at full size, decodes as small as they allow, applies them. */
    private <P> Picture reduced(Transform.Reducible<P> t, byte[] encoded, Decoder decoder, int[] size, SplittableRandom random) {
        P params = t.draw(random, size[0], size[1]);
        double factor = t.reduction(params, size[0], size[1]);
        int k = factor >= 8 ? 8 : factor >= 4 ? 4 : factor >= 2 ? 2 : 1;
        Picture p = decoder.decode(encoded, k);
        for (Transform<?> s : steps) {
            if (!(s instanceof ToChannels)) {
                break;
            }
            p = step(s, p, random);
        }
        return k == 1 ? t.apply(p, params) : t.applyReduced(p, params, size[0], size[1]);
    }

    private void finish(Picture p, SplittableRandom random, float[] out, int outOffset) {
        int n = viewFloats();
        for (int v = 0; v < views.size(); v++) {
            Picture q = p;
            for (Transform<?> t : views.get(v)) {
                q = step(t, q, random);
            }
            if (!q.isFloat() || q.height() != height || q.width() != width || q.channels() != channels) {
                throw new IllegalStateException("pipeline " + this + " made " + q + ", not floats of " + channels + "x" + height
                        + "x" + width);
            }
            System.arraycopy(q.floats(), 0, out, outOffset + v * n, n);
        }
    }

    private static <P> Picture step(Transform<P> t, Picture p, SplittableRandom random) {
        return t.apply(p, t.draw(random, p.height(), p.width()));
    }

    /**
     * {@code images} outputs of this pipeline (all their views), HWC floats one after the other, as a
     * network input: NCHW in the channels-last memory order the loader's batches have.
     */
    public NDArray toTensor(NDManager manager, float[] out, int images) {
        try (NDArray nhwc = manager.create(out, new Shape((long) images * views(), height, width, channels))) {
            return nhwc.transpose(0, 3, 1, 2);
        }
    }
}
