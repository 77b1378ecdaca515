package org.resnet4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Initial weights, a function of the seed alone (drawn in Java, so the same on every engine and
 * device): He normal with fan_out for convolutions (paper section 3.4, following He et al. 2015),
 * PyTorch's default uniform for the classifier, BN gamma 1 and beta 0, and optionally gamma 0 for
 * each residual branch's last BN so every block starts as the identity.
 */
public final class Initialization {
    private Initialization() {}

    /** Allocates the network's parameters for its spec's input shape and fills them from {@code seed}. */
    public static void initialize(ResNet net, NDManager manager, long seed) {
        ResNetSpec spec = net.spec();
        net.initialize(manager, DataType.FLOAT32, new Shape(1, spec.inputChannels(), spec.inputHeight(), spec.inputWidth()));
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Parameter> params = TorchNames.parameters(net);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray array = e.getValue().getArray();
            Shape shape = array.getShape();
            float[] values = new float[Math.toIntExact(shape.size())];
            switch (e.getValue().getType()) {
                case WEIGHT:
                    if (shape.dimension() == 4) {
                        // He et al. 2015, fan_out mode: std = sqrt(2 / (out_channels * k * k)).
                        double std = Math.sqrt(2.0 / (shape.get(0) * shape.get(2) * shape.get(3)));
                        fill(values, () -> random.nextGaussian() * std);
                    } else {
                        double bound = 1.0 / Math.sqrt(shape.get(1));
                        fill(values, () -> random.nextDouble(-bound, bound));
                    }
                    break;
                case BIAS:
                    // PyTorch's Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in from the weight.
                    String weight = e.getKey().substring(0, e.getKey().length() - "bias".length()) + "weight";
                    double fanIn = params.get(weight).getArray().getShape().get(1);
                    fill(values, () -> random.nextDouble(-1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
                    break;
                case GAMMA:
                case RUNNING_VAR:
                    java.util.Arrays.fill(values, 1f);
                    break;
                default: // BETA, RUNNING_MEAN
                    break;
            }
            ParameterValues.assign(array, values);
        }
        if (spec.zeroInitResidual()) {
            TorchNames.visit(net, "", (name, block) -> {
                if (block instanceof ResidualBlock residual && residual.lastBatchNorm() != null) {
                    zeroGamma(residual.lastBatchNorm());
                }
            });
        }
    }

    private static void zeroGamma(BatchNorm2d bn) {
        NDArray gamma = bn.getParameters().get("gamma").getArray();
        ParameterValues.assign(gamma, new float[Math.toIntExact(gamma.getShape().size())]);
    }

    private static void fill(float[] values, DoubleSupplier draw) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) draw.getAsDouble();
        }
    }
}
