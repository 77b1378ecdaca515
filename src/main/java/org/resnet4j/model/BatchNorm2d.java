package org.resnet4j.model;

import ai.djl.ndarray.NDArray;
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
    private static final float EPSILON = 1e-5f;
    /** DJL's convention: running = 0.9 * running + 0.1 * batch, i.e. PyTorch's momentum 0.1. */
    private static final float MOMENTUM = 0.9f;
    /** Tells DJL's PyTorch engine to call torch's batch_norm as is (it normalises dimension 1). */
    private static final int NATIVE_AXIS = -1;

    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter runningMean;
    private final Parameter runningVar;

    public BatchNorm2d() {
        super(VERSION);
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).build());
        runningMean = addParameter(Parameter.builder().setName("runningMean").setType(Parameter.Type.RUNNING_MEAN)
                .optRequiresGrad(false).build());
        runningVar = addParameter(Parameter.builder().setName("runningVar").setType(Parameter.Type.RUNNING_VAR)
                .optRequiresGrad(false).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        return x.getNDArrayInternal().batchNorm(x,
                ps.getValue(runningMean, x.getDevice(), training), ps.getValue(runningVar, x.getDevice(), training),
                ps.getValue(gamma, x.getDevice(), training), ps.getValue(beta, x.getDevice(), training),
                NATIVE_AXIS, MOMENTUM, EPSILON, training);
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
