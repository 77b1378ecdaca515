package org.resnet4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Shortcut option A (paper section 3.3): identity with stride-2 subsampling and zero entries for
 * the extra channels, so the shortcut adds no parameters. The zeros go half before and half after
 * the identity channels, as in the widely used PyTorch reproduction (akamaster), so its weights
 * import unchanged.
 */
public final class ZeroPadShortcut extends AbstractBlock {
    private static final NDIndex SUBSAMPLE = new NDIndex(":, :, ::2, ::2");

    private final int in;
    private final int out;
    private final int stride;

    public ZeroPadShortcut(int in, int out, int stride) {
        this.in = in;
        this.out = out;
        this.stride = stride;
        if (out < in || (stride != 1 && stride != 2)) {
            throw new IllegalArgumentException("option A pads channels " + in + "->" + out + " with stride 1 or 2");
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray kept = stride == 2 ? x.get(SUBSAMPLE) : x;
        // F.pad order: last dimension first, so (W, W, H, H, C, C).
        NDArray padded = kept.pad(new Shape(0, 0, 0, 0, before(), after()), 0);
        if (kept != x) {
            kept.close();
        }
        return new NDList(padded);
    }

    int stride() {
        return stride;
    }

    /** Zero channels before the identity ones, and after them. */
    int before() {
        return (out - in) / 2;
    }

    int after() {
        return out - in - before();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), out, (s.get(2) + stride - 1) / stride, (s.get(3) + stride - 1) / stride)};
    }

    @Override
    public String toString() {
        return "ZeroPadShortcut(" + in + "->" + out + ", stride " + stride + ")";
    }
}
