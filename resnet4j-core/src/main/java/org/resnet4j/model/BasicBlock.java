package org.resnet4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The basic block of ResNet-18/34 and every CIFAR net (paper Figure 2): two 3x3 convolutions, each
 * followed by BN, ReLU after the first BN and after the addition. With {@link Shortcut#NONE} it is
 * the plain net's pair of layers.
 */
public final class BasicBlock extends ResidualBlock {
    public static final int EXPANSION = 1;

    private final Conv conv1;
    private final BatchNorm2d bn1;
    private final Conv conv2;
    private final BatchNorm2d bn2;
    private final boolean residual;

    public BasicBlock(int in, int width, int stride, Shortcut option) {
        conv1 = addChildBlock("conv1", conv(width, 3, stride));
        bn1 = addChildBlock("bn1", batchNorm());
        conv2 = addChildBlock("conv2", conv(width, 3, 1));
        bn2 = addChildBlock("bn2", batchNorm());
        residual = option != Shortcut.NONE;
        addShortcut(option, in, width * EXPANSION, stride, true);
    }

    @Override
    public BatchNorm2d lastBatchNorm() {
        return residual ? bn2 : null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray out = relu(convBn(conv1, bn1, ps, x, training, params));
        out = after(out, convBn(conv2, bn2, ps, out, training, params));
        if (residual) {
            // In place: batch norm's backward does not need its output, so the sum can reuse it.
            NDArray identity = shortcut == null ? x : apply(shortcut, ps, x, training, params);
            out.addi(identity);
            if (identity != x) {
                identity.close();
            }
        }
        return new NDList(relu(out));
    }

    @Override
    String writeInference(InferenceScript s, String x) {
        String out = s.convBn(conv1, bn1, x, true);
        return residual ? s.convBnAddRelu(conv2, bn2, out, s.shortcut(shortcut, x)) : s.convBn(conv2, bn2, out, true);
    }
}
