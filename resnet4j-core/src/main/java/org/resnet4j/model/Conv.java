package org.resnet4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.resnet4j.util.Devices;

/**
 * The networks' convolution: bias-free, "same" padding, one group (BN follows it, section 3.4).
 *
 * <p>A 1x1 convolution is a matrix product over the pixels ({@code [N*H*W, Cin] x [Cin, Cout]},
 * after subsampling for stride 2). Where {@link Devices#oneByOneAsMatrixProduct} says so, it is
 * computed as one: oneDNN's brgemm 1x1 convolution divides by the cache sizes the CPU reports and
 * crashes the JVM on CPUs that report none (BENCHMARKS.md, "The 1x1 convolution crash").
 *
 * <p>In {@link Precision#BF16} the input, weight and bias are cast to bfloat16 at the operation and
 * the output stays bfloat16, as under {@code torch.autocast}; the float32 weight receives the gradient.
 */
public final class Conv extends Conv2d {
    private Precision precision = Precision.FP32;

    Conv(int filters, int kernel, int stride) {
        super(Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optBias(false));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        return new NDList(apply(x, ps.getValue(weight, x.getDevice(), training), null));
    }

    int kernel() {
        return (int) kernelShape.get(0);
    }

    int stride() {
        return (int) stride.get(0);
    }

    int padding() {
        return (int) padding.get(0);
    }

    /** Sets the arithmetic of this convolution ({@link ResNet#setPrecision}). */
    void setPrecision(Precision precision) {
        this.precision = precision;
    }

    /** This convolution with the given weight and bias (null for none), e.g. with a BN folded in. */
    NDArray apply(NDArray x, NDArray w, NDArray b) {
        if (precision != Precision.FP32) {
            x = precision.operand(x, x.getManager());
            w = precision.operand(w, x.getManager());
            b = precision.operand(b, x.getManager());
        }
        if (kernelShape.get(0) == 1 && Devices.oneByOneAsMatrixProduct(x.getDevice())) {
            return matrixProduct(x, w, b, (int) stride.get(0));
        }
        return Conv2d.conv2d(x, w, b, stride, padding, dilation, groups).singletonOrThrow();
    }

    /**
     * A 1x1 convolution as the matrix product it is. On channels-last input (the layout the data
     * loader delivers) the NHWC view is contiguous, so only the product itself touches memory; the
     * result is channels-last again.
     */
    static NDArray matrixProduct(NDArray x, NDArray w, NDArray b, int stride) {
        NDArray in = stride == 1 ? x : x.get(":, :, ::" + stride + ", ::" + stride);
        NDArray nhwc = in.transpose(0, 2, 3, 1);
        NDArray matrix = w.reshape(w.getShape().get(0), w.getShape().get(1));
        NDList out = b == null ? Linear.linear(nhwc, matrix) : Linear.linear(nhwc, matrix, b);
        return out.singletonOrThrow().transpose(0, 3, 1, 2);
    }
}
