package org.resnet4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole residual network, laid out like the paper's Table 1: a stem, stages of blocks
 * ({@code layer1..layerN}), global average pooling and a fully connected classifier. Children and
 * parameters carry torchvision's names.
 */
public final class ResNet extends AbstractBlock {
    private static final byte VERSION = 1;
    private static final Shape POOL_KERNEL = new Shape(3, 3);
    private static final Shape POOL_STRIDE = new Shape(2, 2);
    private static final Shape POOL_PAD = new Shape(1, 1);

    private final ResNetSpec spec;
    private final Conv conv1;
    private final BatchNorm2d bn1;
    private final List<SequentialBlock> stages = new ArrayList<>();
    private final BatchNorm2d finalBn;
    private final Linear fc;
    private Precision precision = Precision.FP32;
    private boolean initialized;

    public ResNet(ResNetSpec spec) {
        super(VERSION);
        this.spec = spec;
        int stemWidth = spec.family() == Family.IMAGENET ? 64 : spec.widths().get(0);
        conv1 = addChildBlock("conv1", spec.imagenetStem()
                ? ResidualBlock.conv(stemWidth, 7, 2)
                : ResidualBlock.conv(stemWidth, 3, 1));
        // Pre-activation nets normalise at the start of each block instead (v2 paper, section 3.2).
        bn1 = spec.preActivation() ? null : addChildBlock("bn1", ResidualBlock.batchNorm());
        int channels = stemWidth;
        for (int i = 0; i < spec.blocks().size(); i++) {
            int width = spec.widths().get(i);
            // The first stage keeps the resolution; each later stage halves it in its first block.
            stages.add(addChildBlock("layer" + (i + 1), stage(spec, channels, width, spec.blocks().get(i), i == 0 ? 1 : 2)));
            channels = width * spec.expansion();
        }
        // ...and so need one BN-ReLU after the last block.
        finalBn = spec.preActivation() ? addChildBlock("bn", ResidualBlock.batchNorm()) : null;
        fc = addChildBlock("fc", Linear.builder().setUnits(spec.classes()).build());
    }

    /** One stage: {@code blocks} blocks of one type, the first one changing width and stride. */
    static SequentialBlock stage(ResNetSpec spec, int in, int width, int blocks, int stride) {
        SequentialBlock stage = new SequentialBlock();
        for (int b = 0; b < blocks; b++) {
            stage.add(block(spec, b == 0 ? in : width * spec.expansion(), width, b == 0 ? stride : 1));
        }
        return stage;
    }

    private static ResidualBlock block(ResNetSpec spec, int in, int width, int stride) {
        if (spec.preActivation()) {
            return spec.bottleneck()
                    ? new PreActBottleneck(in, width, stride, spec.shortcut())
                    : new PreActBasicBlock(in, width, stride, spec.shortcut());
        }
        return spec.bottleneck()
                ? new Bottleneck(in, width, stride, spec.shortcut(), spec.strideIn1x1())
                : new BasicBlock(in, width, stride, spec.shortcut());
    }

    public ResNetSpec spec() {
        return spec;
    }

    /**
     * The arithmetic of the forward pass: every convolution and the classifier compute in it
     * ({@link Precision}); the logits and {@link #features} are float32 either way. The parameters
     * stay float32.
     */
    public void setPrecision(Precision precision) {
        this.precision = precision;
        TorchNames.visit(this, "", (name, block) -> {
            if (block instanceof Conv conv) {
                conv.setPrecision(precision);
            }
        });
    }

    public Precision precision() {
        return precision;
    }

    /** The stages, {@code layer1} first. */
    public List<SequentialBlock> stages() {
        return List.copyOf(stages);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = features(ps, inputs.singletonOrThrow(), training, params);
        if (precision == Precision.FP32) {
            return new NDList(ResidualBlock.after(x, ResidualBlock.apply(fc, ps, x, training, params)));
        }
        // the classifier in the compute type, its logits back in float32 for the loss (as autocast does)
        NDManager owner = x.getManager();
        NDArray weight = ps.getValue(fc.getParameters().get("weight"), x.getDevice(), training);
        NDArray bias = ps.getValue(fc.getParameters().get("bias"), x.getDevice(), training);
        NDArray w = precision.operand(weight, owner);
        NDArray b = precision.operand(bias, owner);
        NDArray operand = precision.operand(x, owner);
        NDArray out = Linear.linear(operand, w, b).singletonOrThrow();
        NDArray logits = Casts.toFloat32(out);
        for (NDArray done : new NDArray[] {x, operand, w, b, out}) {
            if (done != logits && done != weight && done != bias && !done.isReleased()) {
                done.close(); // ResidualBlock.after
            }
        }
        return new NDList(logits);
    }

    /**
     * The global-average-pooled output of the last stage (N, C): what the classifier sees, the
     * network's image features (64 for CIFAR nets, 512 for resnet18/34, 2048 for resnet50 and deeper),
     * as float32 whatever the {@link #setPrecision precision} computed them in.
     */
    public NDArray features(ParameterStore ps, NDArray x, boolean training, PairList<String, Object> params) {
        // every intermediate is closed once read (ResidualBlock.after); the caller's input is not
        x = bn1 == null
                ? ResidualBlock.apply(conv1, ps, x, training, params)
                : ResidualBlock.relu(ResidualBlock.convBn(conv1, bn1, ps, x, training, params));
        if (spec.imagenetStem()) {
            x = ResidualBlock.after(x, Pool.maxPool2d(x, POOL_KERNEL, POOL_STRIDE, POOL_PAD, false));
        }
        for (SequentialBlock stage : stages) {
            NDArray out = training ? ResidualBlock.apply(stage, ps, x, true, params) : inferStage(stage, ps, x, params);
            x = ResidualBlock.after(x, out);
        }
        if (finalBn != null) {
            x = ResidualBlock.relu(ResidualBlock.after(x, ResidualBlock.apply(finalBn, ps, x, training, params)));
        }
        NDArray pooled = ResidualBlock.after(x, Pool.globalAvgPool2d(x));
        NDArray features = Casts.toFloat32(pooled);
        if (features != pooled) {
            pooled.close();
        }
        return features;
    }

    /** {@link #features} in inference mode, written into {@code s} ({@link InferenceScript}); returns its name. */
    String writeInference(InferenceScript s, String x) {
        x = bn1 == null ? s.conv(conv1, x) : s.convBn(conv1, bn1, x, true);
        if (spec.imagenetStem()) {
            x = s.maxPool(x, POOL_KERNEL.get(0), POOL_STRIDE.get(0), POOL_PAD.get(0));
        }
        for (SequentialBlock stage : stages) {
            for (Block block : stage.getChildren().values()) {
                x = ((ResidualBlock) block).writeInference(s, x);
            }
        }
        if (finalBn != null) {
            x = s.bnRelu(finalBn, x);
        }
        return s.meanPool(x);
    }

    /** The fully connected classifier. */
    Linear classifier() {
        return fc;
    }

    /** The length of {@link #features}: the last stage's width times the block expansion. */
    public int featureSize() {
        return spec.widths().get(spec.widths().size() - 1) * spec.expansion();
    }

    /**
     * Inference keeps only the activation between blocks: each block's intermediates are freed as
     * soon as its output exists. Otherwise a deep net holds them all until the batch ends
     * (preact-resnet1001 at batch 128: over 24 GB), although nothing needs them without a backward pass.
     */
    private static NDArray inferStage(SequentialBlock stage, ParameterStore ps, NDArray x,
            PairList<String, Object> params) {
        NDManager owner = x.getManager();
        NDArray in = x;
        for (Block block : stage.getChildren().values()) {
            NDArray out;
            try (NDManager scope = owner.newSubManager()) {
                x.tempAttach(scope);
                out = ResidualBlock.apply(block, ps, x, false, params);
                out.attach(owner);
            }
            if (x != in) {
                x.close();
            }
            x = out;
        }
        return x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), spec.classes())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = init(conv1, manager, dataType, inputShapes[0]);
        if (bn1 != null) {
            init(bn1, manager, dataType, shape);
        }
        if (spec.imagenetStem()) {
            shape = new Shape(shape.get(0), shape.get(1), (shape.get(2) - 1) / 2 + 1, (shape.get(3) - 1) / 2 + 1);
        }
        for (Block stage : stages) {
            shape = init(stage, manager, dataType, shape);
        }
        if (finalBn != null) {
            init(finalBn, manager, dataType, shape);
        }
        init(fc, manager, dataType, new Shape(shape.get(0), shape.get(1)));
    }

    private static Shape init(Block block, NDManager manager, DataType dataType, Shape in) {
        block.initialize(manager, dataType, in);
        return block.getOutputShapes(new Shape[] {in})[0];
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
