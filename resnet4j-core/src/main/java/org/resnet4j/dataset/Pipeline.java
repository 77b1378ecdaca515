package org.resnet4j.dataset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.Buffer;
import java.nio.FloatBuffer;
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
    private final FloatTail stepsTail;
    private final List<FloatTail> viewTails;

    Pipeline(int channels, int height, int width, List<Transform<?>> steps, List<List<Transform<?>>> views,
            boolean reducedDecoding, FusedCifar fused) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        if (views.size() <= 1) { // one view: its transforms are more steps
            List<Transform<?>> all = new java.util.ArrayList<>(steps);
            if (views.size() == 1) {
                all.addAll(views.get(0));
            }
            this.steps = List.copyOf(all);
            this.views = List.of(List.of());
        } else {
            this.steps = List.copyOf(steps);
            this.views = views.stream().map(List::copyOf).toList();
        }
        this.stepsTail = FloatTail.of(this.steps);
        this.viewTails = this.views.stream().map(FloatTail::of).toList();
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
        run(in, 0, random, out, outOffset);
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
            run(decoder.decode(encoded), 0, random, out, outOffset);
            return;
        }
        Picture p = reduced((Transform.Reducible<?>) steps.get(first), encoded, decoder, size, random);
        run(p, first + 1, random, out, outOffset);
    }

    /**
     * Draws the first step's parameters at full size, decodes at the smallest eighth of the size
     * they allow (the region the step reads still at least as large as its output), applies them.
     */
    private <P> Picture reduced(Transform.Reducible<P> t, byte[] encoded, Decoder decoder, int[] size, SplittableRandom random) {
        P params = t.draw(random, size[0], size[1]);
        double factor = t.reduction(params, size[0], size[1]);
        int eighths = factor <= 1 ? 8 : Math.max(1, Math.min(8, (int) Math.ceil(8 / factor)));
        Picture p = eighths == 8 ? decoder.decode(encoded) : decoder.decode(encoded, eighths);
        for (Transform<?> s : steps) {
            if (!(s instanceof ToChannels)) {
                break;
            }
            p = step(s, p, random);
        }
        return eighths == 8 ? t.apply(p, params) : t.applyReduced(p, params, size[0], size[1]);
    }

    /** Steps from {@code from} on, then the views, into {@code out}. */
    private void run(Picture p, int from, SplittableRandom random, float[] out, int outOffset) {
        p = chain(p, steps, from, stepsTail, random, out, outOffset);
        if (p == null) {
            return; // the steps' float tail wrote the only view
        }
        int n = viewFloats();
        for (int v = 0; v < views.size(); v++) {
            Picture q = chain(p, views.get(v), 0, viewTails.get(v), random, out, outOffset + v * n);
            if (q != null) {
                if (!q.isFloat() || q.height() != height || q.width() != width || q.channels() != channels) {
                    throw new IllegalStateException("pipeline " + this + " made " + q + ", not floats of " + channels + "x"
                            + height + "x" + width);
                }
                System.arraycopy(q.floats(), 0, out, outOffset + v * n, n);
            }
        }
    }

    /**
     * {@code chain} from {@code from} on; where it ends in a float tail and the picture is still bytes,
     * the tail writes straight into {@code out} and null comes back.
     */
    private Picture chain(Picture p, List<Transform<?>> chain, int from, FloatTail tail, SplittableRandom random, float[] out,
            int outOffset) {
        int end = tail != null ? Math.max(from, tail.start) : chain.size();
        for (int i = from; i < end; i++) {
            p = step(chain.get(i), p, random);
        }
        if (tail != null && !p.isFloat() && from <= tail.start) {
            tail.write(p, channels, height, width, random, out, outOffset);
            return null;
        }
        for (int i = end; i < chain.size(); i++) {
            p = step(chain.get(i), p, random);
        }
        return p;
    }

    private static <P> Picture step(Transform<P> t, Picture p, SplittableRandom random) {
        return t.apply(p, t.draw(random, p.height(), p.width()));
    }

    /**
     * The steps a chain ends with (HorizontalFlip?, ToFloat, Lighting?, Normalize, RandomErasing?)
     * done in one pass from bytes into the output: the same draws and the same float expressions as
     * the steps one by one (tested), without a mirrored copy or intermediate float pictures.
     */
    private static final class FloatTail {
        final int start;
        final HorizontalFlip flip;
        final Lighting lighting;
        final Normalize normalize;
        final RandomErasing erasing;

        private FloatTail(int start, HorizontalFlip flip, Lighting lighting, Normalize normalize, RandomErasing erasing) {
            this.start = start;
            this.flip = flip;
            this.lighting = lighting;
            this.normalize = normalize;
            this.erasing = erasing;
        }

        static FloatTail of(List<Transform<?>> chain) {
            int i = chain.size() - 1;
            RandomErasing erasing = i >= 0 && chain.get(i) instanceof RandomErasing e ? e : null;
            i -= erasing != null ? 1 : 0;
            if (i < 0 || !(chain.get(i) instanceof Normalize normalize)) {
                return null;
            }
            i--;
            Lighting lighting = i >= 0 && chain.get(i) instanceof Lighting l ? l : null;
            i -= lighting != null ? 1 : 0;
            if (i < 0 || !(chain.get(i) instanceof ToFloat)) {
                return null;
            }
            HorizontalFlip flip = i > 0 && chain.get(i - 1) instanceof HorizontalFlip f ? f : null;
            return new FloatTail(flip != null ? i - 1 : i, flip, lighting, normalize, erasing);
        }

        void write(Picture p, int c, int h, int w, SplittableRandom random, float[] out, int offset) {
            if (p.channels() != c || p.height() != h || p.width() != w) {
                throw new IllegalStateException("the float steps need " + c + "x" + h + "x" + w + ", not " + p);
            }
            boolean mirror = flip != null && flip.draw(random, h, w);
            float[] shift = null;
            if (lighting != null) {
                double[] alpha = lighting.draw(random, h, w);
                shift = lighting.changes(c) ? Lighting.shift(alpha) : null;
            }
            float[] mean = normalize.mean();
            float[] invStd = normalize.invStd();
            byte[] b = p.bytes();
            if (normalize.perChannel()) {
                perChannel(b, c, h, w, mirror, shift, mean, invStd, out, offset);
            } else {
                perValue(b, c, h, w, mirror, shift, mean, invStd, out, offset);
            }
            RandomErasing.Rect r = erasing == null ? null : erasing.draw(random, h, w);
            if (r != null) {
                RandomErasing.erase(out, offset, w, c, r);
            }
        }

        /**
         * Mean and std the same at every pixel: one table per channel gives each of the 256 byte values its
         * float, by the same expression as {@link #perValue} (the same floats, about five times faster).
         */
        private static void perChannel(byte[] b, int c, int h, int w, boolean mirror, float[] shift, float[] mean, float[] invStd,
                float[] out, int offset) {
            float[] table = new float[c * 256];
            for (int ch = 0; ch < c; ch++) {
                for (int value = 0; value < 256; value++) {
                    float v = value / 255f;
                    if (shift != null) {
                        v = v + shift[ch];
                    }
                    table[ch * 256 + value] = mean == null ? v : (v - mean[ch]) * invStd[ch];
                }
            }
            int row = w * c;
            int step = mirror ? -c : c;
            for (int y = 0, k = offset; y < h; y++) {
                int from = y * row + (mirror ? (w - 1) * c : 0); // output pixel (y, x) reads (y, w-1-x) when mirrored
                if (c == 3) {
                    for (int x = 0; x < w; x++, from += step, k += 3) {
                        out[k] = table[b[from] & 0xFF];
                        out[k + 1] = table[256 + (b[from + 1] & 0xFF)];
                        out[k + 2] = table[512 + (b[from + 2] & 0xFF)];
                    }
                } else {
                    for (int x = 0; x < w; x++, from += step, k += c) {
                        for (int ch = 0; ch < c; ch++) {
                            out[k + ch] = table[ch * 256 + (b[from + ch] & 0xFF)];
                        }
                    }
                }
            }
        }

        private static void perValue(byte[] b, int c, int h, int w, boolean mirror, float[] shift, float[] mean, float[] invStd,
                float[] out, int offset) {
            int row = w * c;
            for (int y = 0, k = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int from = y * row + (mirror ? w - 1 - x : x) * c; // output pixel (y, x) reads (y, w-1-x) when mirrored
                    for (int ch = 0; ch < c; ch++, k++) {
                        float v = (b[from + ch] & 0xFF) / 255f;
                        if (shift != null) {
                            v = v + shift[ch];
                        }
                        out[offset + k] = mean == null ? v : (v - mean[k]) * invStd[k];
                    }
                }
            }
        }
    }

    /**
     * {@code images} outputs of this pipeline (all their views), HWC floats one after the other, as a
     * network input: NCHW in the channels-last memory order the loader's batches have.
     */
    public NDArray toTensor(NDManager manager, float[] out, int images) {
        return channelsLast(manager, FloatBuffer.wrap(out), new Shape((long) images * views(), height, width, channels));
    }

    /**
     * NHWC floats as an NCHW batch tensor in channels-last memory (a layout the engine's convolutions
     * keep through the network and run faster in than NCHW), in memory the engine owns. The engine
     * wraps {@code create}'s direct buffer without copying, and the JVM frees that buffer once the
     * array that holds it is unreachable, so a view of it would read freed memory: copy, then view.
     */
    static NDArray channelsLast(NDManager manager, Buffer nhwc, Shape shape) {
        try (NDArray wrapped = manager.create(nhwc, shape, DataType.FLOAT32);
                NDArray owned = wrapped.duplicate()) {
            return owned.transpose(0, 3, 1, 2); // the view keeps the copy's storage when 'owned' closes
        }
    }
}
