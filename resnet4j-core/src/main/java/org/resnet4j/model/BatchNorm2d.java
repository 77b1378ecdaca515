package org.resnet4j.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Batch normalisation over the channels of NCHW feature maps, with PyTorch's defaults (epsilon
 * 1e-5, running-average momentum 0.1) and DJL's parameter names (gamma, beta, runningMean,
 * runningVar). Unlike DJL's {@code BatchNorm2d}, it hands the input straight to the engine's batch
 * norm (channel axis 1, whatever the memory layout), without swapping axes around the call, so a
 * channels-last activation stays channels-last and autograd records one node instead of three.
 */
public final class BatchNorm2d extends AbstractBlock {
    private static final byte VERSION = 1;
    static final float EPSILON = 1e-5f;
    /** DJL's convention: running = 0.9 * running + 0.1 * batch, i.e. PyTorch's momentum 0.1. */
    private static final float MOMENTUM = 0.9f;
    /** Tells DJL's PyTorch engine to call torch's batch_norm as is (it normalises dimension 1). */
    private static final int NATIVE_AXIS = -1;

    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter runningMean;
    private final Parameter runningVar;
    /** Frozen: normalise with the running statistics and leave them alone, in training too. */
    private boolean frozen;

    public BatchNorm2d() {
        super(VERSION);
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).build());
        runningMean = addParameter(Parameter.builder().setName("runningMean").setType(Parameter.Type.RUNNING_MEAN)
                .optRequiresGrad(false).build());
        runningVar = addParameter(Parameter.builder().setName("runningVar").setType(Parameter.Type.RUNNING_VAR)
                .optRequiresGrad(false).build());
    }

    /** Freezes this layer (fine-tuning): it then always uses, and never updates, its running statistics. */
    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    public boolean isFrozen() {
        return frozen;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        training = training && !frozen;
        return x.getNDArrayInternal().batchNorm(x,
                ps.getValue(runningMean, x.getDevice(), training), ps.getValue(runningVar, x.getDevice(), training),
                ps.getValue(gamma, x.getDevice(), training), ps.getValue(beta, x.getDevice(), training),
                NATIVE_AXIS, MOMENTUM, EPSILON, training);
    }

    /**
     * {@code bn(conv(x))} in inference mode as one convolution: BN then is an affine map per
     * channel, so it folds into the convolution's weights ({@code w * gamma / sqrt(var + eps)}) and a
     * bias ({@code beta - mean * gamma / sqrt(var + eps)}). The same result without a pass over the
     * activations; the folded weights are computed per call, so they always follow training.
     */
    NDArray foldedAfter(Conv conv, ParameterStore ps, NDArray x) {
        Device device = x.getDevice();
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray w = borrow(ps.getValue(conv.getParameters().get("weight"), device, false), scope);
            NDArray g = borrow(ps.getValue(gamma, device, false), scope);
            NDArray b = borrow(ps.getValue(beta, device, false), scope);
            NDArray mean = borrow(ps.getValue(runningMean, device, false), scope);
            NDArray var = borrow(ps.getValue(runningVar, device, false), scope);
            NDArray scale = g.div(var.add(EPSILON).sqrt());
            NDArray bias = b.sub(mean.mul(scale));
            NDArray weight = w.mul(scale.reshape(-1, 1, 1, 1));
            return conv.apply(x, weight, bias);
        }
    }

    /** Lends a parameter to {@code scope} so that what is computed from it is freed with the scope. */
    private static NDArray borrow(NDArray parameter, NDManager scope) {
        parameter.tempAttach(scope);
        return parameter;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        Shape channels = new Shape(inputShapes[0].get(1));
        gamma.setShape(channels);
        beta.setShape(channels);
        runningMean.setShape(channels);
        runningVar.setShape(channels);
    }
}
