package org.resnet4j.dataset;

import java.util.SplittableRandom;

/**
 * One step of an image pipeline, torchvision style: {@link #draw} picks the random parameters (from
 * a generator seeded by run seed, epoch and sample index, so a resumed run sees the same data) and
 * {@link #apply} applies them, so the two can be tested apart (tests give torchvision the same
 * parameters). Implementations hold no mutable state: one instance serves every loader thread.
 *
 * @param <P> the random parameters; {@code Void} (always null) for a deterministic transform
 */
public interface Transform<P> {
    /** The parameters for a picture of {@code height x width}; null for a deterministic transform. */
    P draw(SplittableRandom random, int height, int width);

    /** {@code in} transformed with {@code params}; may return {@code in} itself when nothing changes. */
    Picture apply(Picture in, P params);

    /** Draws and applies. */
    default Picture apply(Picture in, SplittableRandom random) {
        return apply(in, draw(random, in.height(), in.width()));
    }

    /**
     * A transform that can take its input smaller than drawn for, as JPEG decoders give it cheaply
     * (decoding at 1/2, 1/4 or 1/8 of the size).
     */
    interface Reducible<P> extends Transform<P> {
        /**
         * How many times smaller than {@code height x width} the input may be for {@code params}
         * without the result losing detail: the factor by which this transform shrinks the region it
         * reads (1 or less: not at all).
         */
        double reduction(P params, int height, int width);

        /**
         * The result of {@link #apply} with {@code params} drawn for a {@code height x width} input, from
         * {@code in}, the same picture decoded smaller.
         */
        Picture applyReduced(Picture in, P params, int height, int width);
    }
}
