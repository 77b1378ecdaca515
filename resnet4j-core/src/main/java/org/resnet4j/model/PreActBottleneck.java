package org.resnet4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The pre-activation bottleneck of ResNet-164 and ResNet-1001 (Identity Mappings paper, section
 * 4): BN-ReLU before each of the 1x1, 3x3 and 1x1 convolutions, and a clean identity path.
 */
public final class PreActBottleneck extends ResidualBlock {
    public static final int EXPANSION = 4;

    private final BatchNorm2d bn1;
    private final Conv conv1;
    private final BatchNorm2d bn2;
    private final Conv conv2;
    private final BatchNorm2d bn3;
    private final Conv conv3;

    public PreActBottleneck(int in, int width, int stride, Shortcut option) {
        bn1 = addChildBlock("bn1", batchNorm());
        conv1 = addChildBlock("conv1", conv(width, 1, 1));
        bn2 = addChildBlock("bn2", batchNorm());
        conv2 = addChildBlock("conv2", conv(width, 3, stride));
        bn3 = addChildBlock("bn3", batchNorm());
        conv3 = addChildBlock("conv3", conv(width * EXPANSION, 1, 1));
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
        out = preActivatedConv(bn3, conv3, ps, out, training, params);
        out.addi(identity); // in place: conv backward does not need its output
        if (identity != x) {
            identity.close();
        }
        return new NDList(out);
    }

    /** bn2 and bn3 follow conv1 and conv2 directly, so they fold into them; the sum ends the block. */
    @Override
    String writeInference(InferenceScript s, String x) {
        String pre = s.bnRelu(bn1, x);
        String identity = preActivatedShortcut(s, x, pre);
        String out = s.convBn(conv1, bn2, pre, true);
        out = s.convBn(conv2, bn3, out, true);
        return s.convAdd(conv3, out, identity);
    }
}
