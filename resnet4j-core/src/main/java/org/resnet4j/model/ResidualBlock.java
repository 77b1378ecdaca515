package org.resnet4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;

import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

/**
 * What every block type shares: its layers are children in PyTorch's order and naming (conv1, bn1,
 * ..., downsample), all on one main path except the shortcut, which sees the block's input.
 */
public abstract class ResidualBlock extends AbstractBlock {
    private static final byte VERSION = 1;

    /** The projection or zero-padding shortcut; null for an identity shortcut or none. */
    protected Block shortcut;

    private boolean initialized;

    protected ResidualBlock() {
        super(VERSION);
    }

    /** The BN that ends the residual branch (gamma 0 with zero-init-residual); null if none. */
    public abstract BatchNorm2d lastBatchNorm();

    /**
     * Writes this block's inference pass into {@code script}, its input being the value named {@code x};
     * returns the name of its output.
     */
    abstract String writeInference(InferenceScript script, String x);

    /** Adds the shortcut child, named "downsample" as in torchvision, when the block needs one. */
    protected void addShortcut(Shortcut option, int in, int out, int stride, boolean projectionHasBn) {
        boolean shapeChanges = stride != 1 || in != out;
        if (option == Shortcut.C || (option == Shortcut.B && shapeChanges)) {
            SequentialBlock projection = new SequentialBlock().add(conv(out, 1, stride));
            if (projectionHasBn) {
                projection.add(batchNorm());
            }
            shortcut = addChildBlock("downsample", projection);
        } else if (option == Shortcut.A && shapeChanges) {
            shortcut = addChildBlock("downsample", new ZeroPadShortcut(in, out, stride));
        }
    }

    /** A bias-free convolution with "same" padding: BN follows it (section 3.4). */
    static Conv conv(int filters, int kernel, int stride) {
        return new Conv(filters, kernel, stride);
    }

    /** BN with PyTorch's defaults (epsilon 1e-5, running-average momentum 0.1). */
    static BatchNorm2d batchNorm() {
        return new BatchNorm2d();
    }

    /**
     * The shortcut of a pre-activation block: identity and zero-padding take the raw input, a
     * projection takes the pre-activated one.
     */
    protected NDArray preActivatedShortcut(
            ParameterStore ps, NDArray x, NDArray pre, boolean training, PairList<String, Object> params) {
        if (shortcut == null) {
            return x;
        }
        return apply(shortcut, ps, shortcut instanceof ZeroPadShortcut ? x : pre, training, params);
    }

    /** conv(relu(bn(x))), the pre-activation unit (He et al. 2016b, Figure 4e); closes {@code x} ({@link #after}). */
    static NDArray preActivatedConv(BatchNorm2d bn, Conv conv, ParameterStore ps, NDArray x, boolean training,
            PairList<String, Object> params) {
        NDArray pre = relu(after(x, apply(bn, ps, x, training, params)));
        return after(pre, apply(conv, ps, pre, training, params));
    }

    /** {@link #preActivatedShortcut} in an inference script. */
    String preActivatedShortcut(InferenceScript s, String x, String pre) {
        return s.shortcut(shortcut, shortcut == null || shortcut instanceof ZeroPadShortcut ? x : pre);
    }

    /** BN after a convolution; in inference mode a single convolution with the BN folded in. */
    static NDArray convBn(Conv conv, BatchNorm2d bn, ParameterStore ps, NDArray x, boolean training,
            PairList<String, Object> params) {
        if (!training) {
            return bn.foldedAfter(conv, ps, x);
        }
        NDArray convolved = apply(conv, ps, x, true, params);
        return after(convolved, apply(bn, ps, convolved, true, params));
    }

    /** ReLU of {@code x}, which is closed ({@link #after}). */
    static NDArray relu(NDArray x) {
        return after(x, Activation.relu(x));
    }

    /**
     * {@code next}, once {@code done} is closed: an intermediate result this forward pass does not read
     * again. Backward still finds the values it needs (autograd holds its own reference to them), and what
     * nothing needs is freed now, as PyTorch frees a tensor whose last name goes out of scope. Kept until
     * the step's arrays were closed, such results made training's peak memory 1.6x PyTorch's (resnet18 at
     * batch 32: 1.84 GB against 1.17 GB), and every new page of it costs time on its first step.
     */
    static NDArray after(NDArray done, NDArray next) {
        if (done != next) {
            done.close();
        }
        return next;
    }

    /** {@code block} on {@code x}; a sequence's results between its blocks are closed once read ({@link #after}). */
    static NDArray apply(Block block, ParameterStore ps, NDArray x, boolean training, PairList<String, Object> params) {
        if (block instanceof SequentialBlock sequence) {
            NDArray out = x;
            for (Block b : sequence.getChildren().values()) {
                NDArray next = apply(b, ps, out, training, params);
                out = out == x ? next : after(out, next);
            }
            return out;
        }
        return block.forward(ps, new NDList(x), training, params).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape shape = inputShapes[0];
        for (Pair<String, Block> child : getChildren()) {
            if (child.getValue() != shortcut) {
                shape = child.getValue().getOutputShapes(new Shape[] {shape})[0];
            }
        }
        return new Shape[] {shape};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes[0];
        for (Pair<String, Block> child : getChildren()) {
            Block block = child.getValue();
            if (block == shortcut) {
                block.initialize(manager, dataType, inputShapes[0]);
            } else {
                block.initialize(manager, dataType, shape);
                shape = block.getOutputShapes(new Shape[] {shape})[0];
            }
        }
    }

    /** Cached: DJL asks on every training forward, and the answer walks every parameter. */
    @Override
    public boolean isInitialized() {
        if (!initialized) {
            initialized = super.isInitialized();
        }
        return initialized;
    }
}
