package org.resnet4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The bottleneck block of ResNet-50/101/152 (paper Figure 5): 1x1 reduce, 3x3, 1x1 expand by
 * {@link #EXPANSION}. Downsampling strides in the 3x3 ("v1.5", torchvision) or, as the original
 * Caffe models did, in the first 1x1 ("v1").
 */
public final class Bottleneck extends ResidualBlock {
    public static final int EXPANSION = 4;

    private final Conv conv1;
    private final BatchNorm2d bn1;
    private final Conv conv2;
    private final BatchNorm2d bn2;
    private final Conv conv3;
    private final BatchNorm2d bn3;

    public Bottleneck(int in, int width, int stride, Shortcut option, boolean strideIn1x1) {
        conv1 = addChildBlock("conv1", conv(width, 1, strideIn1x1 ? stride : 1));
        bn1 = addChildBlock("bn1", batchNorm());
        conv2 = addChildBlock("conv2", conv(width, 3, strideIn1x1 ? 1 : stride));
        bn2 = addChildBlock("bn2", batchNorm());
        conv3 = addChildBlock("conv3", conv(width * EXPANSION, 1, 1));
        bn3 = addChildBlock("bn3", batchNorm());
        addShortcut(option, in, width * EXPANSION, stride, true);
    }

    @Override
    public BatchNorm2d lastBatchNorm() {
        return bn3;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray out = relu(convBn(conv1, bn1, ps, x, training, params));
        out = relu(after(out, convBn(conv2, bn2, ps, out, training, params)));
        out = after(out, convBn(conv3, bn3, ps, out, training, params));
        // In place: batch norm's backward does not need its output, so the sum can reuse it.
        NDArray identity = shortcut == null ? x : apply(shortcut, ps, x, training, params);
        out.addi(identity);
        if (identity != x) {
            identity.close();
        }
        return new NDList(relu(out));
    }

    @Override
    String writeInference(InferenceScript s, String x) {
        String out = s.convBn(conv1, bn1, x, true);
        out = s.convBn(conv2, bn2, out, true);
        return s.convBnAddRelu(conv3, bn3, out, s.shortcut(shortcut, x));
    }
}
