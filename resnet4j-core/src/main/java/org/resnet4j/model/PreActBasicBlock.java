package org.resnet4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The pre-activation basic block (Identity Mappings paper, Figure 4e): BN-ReLU-conv twice and a
 * clean identity path with nothing after the addition. A projection shortcut sees the
 * pre-activated input, as the v2 paper's first unit of each stage does.
 */
public final class PreActBasicBlock extends ResidualBlock {
    public static final int EXPANSION = 1;

    private final BatchNorm2d bn1;
    private final Conv conv1;
    private final BatchNorm2d bn2;
    private final Conv conv2;

    public PreActBasicBlock(int in, int width, int stride, Shortcut option) {
        bn1 = addChildBlock("bn1", batchNorm());
        conv1 = addChildBlock("conv1", conv(width, 3, stride));
        bn2 = addChildBlock("bn2", batchNorm());
        conv2 = addChildBlock("conv2", conv(width, 3, 1));
        addShortcut(option, in, width * EXPANSION, stride, false);
    }

    @Override
    public BatchNorm2d lastBatchNorm() {
        return null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray pre = relu(apply(bn1, ps, x, training, params));
        NDArray identity = preActivatedShortcut(ps, x, pre, training, params);
        NDArray out = after(pre, apply(conv1, ps, pre, training, params));
        out = preActivatedConv(bn2, conv2, ps, out, training, params);
        out.addi(identity); // in place: conv backward does not need its output
        if (identity != x) {
            identity.close();
        }
        return new NDList(out);
    }

    /** bn2 follows conv1 directly, so it folds into it; the sum ends the block. */
    @Override
    String writeInference(InferenceScript s, String x) {
        String pre = s.bnRelu(bn1, x);
        String identity = preActivatedShortcut(s, x, pre);
        String out = s.convBn(conv1, bn2, pre, true);
        return s.convAdd(conv2, out, identity);
    }
}
