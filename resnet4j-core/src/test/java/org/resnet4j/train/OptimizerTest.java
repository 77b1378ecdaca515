package org.resnet4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.resnet4j.model.HostTensor;
import org.resnet4j.util.Devices;

/**
 * Updates against values computed by hand with PyTorch's formulas (torch.optim.SGD / Adam) on
 * w = [1, -2], loss = sum(w^2 * [1, 3]) so grad = [2w0, 6w1].
 */
class OptimizerTest {
    private static Parameter param(NDManager m) {
        Parameter p = Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).optRequiresGrad(true).build();
        p.setArray(m.create(new float[] {1f, -2f}));
        p.getArray().setRequiresGradient(true);
        return p;
    }

    private static void backward(NDManager m, Parameter p) {
        try (NDManager scope = m.newSubManager(); GradientCollector gc = m.getEngine().newGradientCollector()) {
            NDArray w = p.getArray();
            NDArray loss = w.mul(w).mul(scope.create(new float[] {1f, 3f})).sum();
            gc.backward(loss);
        }
    }

    private static float[] run(String name, double momentum, double wd, double lr, int steps) {
        try (NDManager m = NDManager.newBaseManager(Devices.device())) {
            Parameter p = param(m);
            try (Optimizer o = Optimizer.create(name, m, Map.of("weight", p), momentum, wd)) {
                for (int i = 0; i < steps; i++) {
                    backward(m, p);
                    o.step(lr);
                }
                return p.getArray().toFloatArray();
            }
        }
    }

    @Test
    void sgdMomentumWeightDecayMatchesPyTorch() {
        // step 1: g = [2, -12] + 0.1*[1, -2] = [2.1, -12.2]; v = g; w = [1 - 0.21, -2 + 1.22] = [0.79, -0.78]
        float[] w1 = run("sgd", 0.9, 0.1, 0.1, 1);
        assertThat(w1[0]).isCloseTo(0.79f, within(1e-6f));
        assertThat(w1[1]).isCloseTo(-0.78f, within(1e-6f));
        // step 2: g = [1.58, -4.68] + [0.079, -0.078] = [1.659, -4.758]; v = 0.9*[2.1, -12.2] + g = [3.549, -15.738]
        // w = [0.79 - 0.3549, -0.78 + 1.5738] = [0.4351, 0.7938]
        float[] w2 = run("sgd", 0.9, 0.1, 0.1, 2);
        assertThat(w2[0]).isCloseTo(0.4351f, within(1e-5f));
        assertThat(w2[1]).isCloseTo(0.7938f, within(1e-5f));
    }

    @Test
    void nesterovMatchesPyTorch() {
        // step 1: g = [2, -12]; v = g; step = g + 0.9 v = [3.8, -22.8]; w = [1 - 0.38, -2 + 2.28] = [0.62, 0.28]
        float[] w1 = run("nesterov", 0.9, 0, 0.1, 1);
        assertThat(w1[0]).isCloseTo(0.62f, within(1e-6f));
        assertThat(w1[1]).isCloseTo(0.28f, within(1e-6f));
    }

    @Test
    void adamMatchesPyTorch() {
        // step 1: m = 0.1 g, v = 0.001 g^2; mhat = g, vhat = g^2: w -= lr * g / (|g| + eps) = lr * sign(g)
        float[] w1 = run("adam", 0, 0, 0.01, 1);
        assertThat(w1[0]).isCloseTo(0.99f, within(1e-6f));
        assertThat(w1[1]).isCloseTo(-1.99f, within(1e-6f));
        // step 2 (w = [0.99, -1.99], g2 = [1.98, -11.94]):
        double g10 = 2, g20 = 1.98, g11 = -12, g21 = -11.94;
        double[] expected = new double[2];
        double[][] g = {{g10, g20}, {g11, g21}};
        double[] w = {0.99, -1.99};
        for (int i = 0; i < 2; i++) {
            double m = 0.9 * 0.1 * g[i][0] + 0.1 * g[i][1];
            double v = 0.999 * 0.001 * g[i][0] * g[i][0] + 0.001 * g[i][1] * g[i][1];
            double denom = Math.sqrt(v) / Math.sqrt(1 - 0.999 * 0.999) + 1e-8;
            expected[i] = w[i] - 0.01 / (1 - 0.81) * m / denom;
        }
        float[] w2 = run("adam", 0, 0, 0.01, 2);
        assertThat(w2[0]).isCloseTo((float) expected[0], within(1e-6f));
        assertThat(w2[1]).isCloseTo((float) expected[1], within(1e-6f));
    }

    @Test
    void stateRoundTripsExactly() {
        try (NDManager m = NDManager.newBaseManager(Devices.device())) {
            Parameter p = param(m);
            try (Optimizer a = Optimizer.create("adam", m, Map.of("weight", p), 0, 1e-4);
                    Optimizer b = Optimizer.create("adam", m, Map.of("weight", p), 0, 1e-4)) {
                backward(m, p);
                a.step(0.01);
                b.restore(a.state(), a.steps());
                assertThat(b.state().keySet()).containsExactly("weight.exp_avg", "weight.exp_avg_sq");
                assertThat(b.state().get("weight.exp_avg").data()).containsExactly(a.state().get("weight.exp_avg").data());
                assertThat(b.steps()).isEqualTo(1);
            }
        }
    }

    /** Parameters a (2x3) and b (4); loss = sum(a^2 * ca) + sum(b * cb), so grad a = 2 a ca, grad b = cb. */
    private static final float[] A0 = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f};
    private static final float[] CA = {1f, 2f, 0.5f, 3f, 1f, 0.1f};
    private static final float[] B0 = {1f, -1f, 0.5f, 2f};
    private static final float[] CB = {0.3f, -0.2f, 1f, 0.05f};

    private static Parameter param(NDManager m, String name, float[] values, Shape shape) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optRequiresGrad(true).build();
        p.setArray(m.create(values, shape));
        p.getArray().setRequiresGradient(true);
        return p;
    }

    /** The parameters a and b at their starting values, in that order. */
    private static Map<String, Parameter> aAndB(NDManager m) {
        Map<String, Parameter> both = new LinkedHashMap<>();
        both.put("a", param(m, "a", A0, new Shape(2, 3)));
        both.put("b", param(m, "b", B0, new Shape(4)));
        return both;
    }

    private static void backward(NDManager m, Parameter a, Parameter b) {
        try (NDManager scope = m.newSubManager(); GradientCollector gc = m.getEngine().newGradientCollector()) {
            NDArray wa = a.getArray();
            NDArray loss = wa.mul(wa).mul(scope.create(CA, new Shape(2, 3))).sum()
                    .add(b.getArray().mul(scope.create(CB)).sum());
            gc.backward(loss);
        }
    }

    /** torch.optim.SGD(nesterov=True) on one value, in doubles, for {@code steps} steps. */
    private static double nesterovReference(double w, double c, boolean square, double lr, double wd, int steps) {
        double v = 0;
        for (int t = 0; t < steps; t++) {
            double g = (square ? 2 * w * c : c) + wd * w;
            v = t == 0 ? g : 0.9 * v + g;
            w -= lr * (g + 0.9 * v);
        }
        return w;
    }

    @Test
    void updatesEveryParameterOverSeveralStepsAsPyTorch() {
        // Several parameters of different shapes and several steps: checks that the flat update
        // reaches each parameter at its own offset and reads fresh gradients every step.
        try (NDManager m = NDManager.newBaseManager(Devices.device())) {
            Map<String, Parameter> both = aAndB(m);
            Parameter a = both.get("a");
            Parameter b = both.get("b");
            try (Optimizer o = Optimizer.create("nesterov", m, both, 0.9, 0.01)) {
                for (int i = 0; i < 4; i++) {
                    backward(m, a, b);
                    o.step(0.05);
                }
                assertThat(a.getArray().getShape()).isEqualTo(new Shape(2, 3));
                float[] wa = a.getArray().toFloatArray();
                float[] wb = b.getArray().toFloatArray();
                for (int i = 0; i < A0.length; i++) {
                    assertThat(wa[i]).isCloseTo((float) nesterovReference(A0[i], CA[i], true, 0.05, 0.01, 4), within(1e-5f));
                }
                for (int i = 0; i < B0.length; i++) {
                    assertThat(wb[i]).isCloseTo((float) nesterovReference(B0[i], CB[i], false, 0.05, 0.01, 4), within(1e-5f));
                }
                assertThat(o.state().keySet()).containsExactly("a.momentum_buffer", "b.momentum_buffer");
                assertThat(o.state().get("a.momentum_buffer").shape()).containsExactly(2, 3);
            }
        }
    }

    @Test
    void updatesWeightsLoadedAfterItWasCreated() {
        // Resuming loads a checkpoint's weights into the parameters after the optimizer exists.
        try (NDManager m = NDManager.newBaseManager(Devices.device())) {
            Map<String, Parameter> both = aAndB(m);
            Parameter a = both.get("a");
            Parameter b = both.get("b");
            try (Optimizer o = Optimizer.create("sgd", m, both, 0, 0)) {
                backward(m, a, b);
                o.step(0.1);
                float[] loaded = {3f, 3f, 3f, 3f};
                b.getArray().intern(m.create(loaded).duplicate());
                b.getArray().setRequiresGradient(true);
                for (int i = 0; i < 2; i++) {
                    backward(m, a, b);
                    o.step(0.1);
                }
                float[] wb = b.getArray().toFloatArray();
                for (int i = 0; i < B0.length; i++) {
                    assertThat(wb[i]).isCloseTo(loaded[i] - 0.2f * CB[i], within(1e-6f));
                }
            }
        }
    }

    @Test
    void rejectsStateOfOtherParameters() {
        try (NDManager m = NDManager.newBaseManager(Devices.device())) {
            Parameter p = param(m);
            try (Optimizer o = Optimizer.create("sgd", m, Map.of("weight", p), 0.9, 0)) {
                Map<String, HostTensor> other =
                        Map.of("bias.momentum_buffer", new HostTensor(new long[] {2}, new float[2]));
                assertThatThrownBy(() -> o.restore(other, 1))
                        .hasMessageContaining("bias.momentum_buffer");
            }
        }
    }

    @Test
    void givesAndTakesTheStateOfAConvolutionWeightInPyTorchsOrder() {
        // A 4-D weight lies in the flat buffer channels-last; its momentum buffer must still be saved
        // (and restored) in PyTorch's [out, in, kh, kw] order. loss = sum(w * c), so grad = c, and after
        // one SGD step with momentum the buffer is the gradient.
        try (NDManager m = NDManager.newBaseManager(Devices.device())) {
            Shape shape = new Shape(2, 3, 2, 2);
            float[] c = new float[24];
            for (int i = 0; i < c.length; i++) {
                c[i] = i - 11.5f;
            }
            Parameter w = param(m, "conv.weight", new float[24], shape);
            try (Optimizer a = Optimizer.create("sgd", m, Map.of("conv.weight", w), 0.9, 0);
                    Optimizer b = Optimizer.create("sgd", m, Map.of("conv.weight", w), 0.9, 0)) {
                try (NDManager scope = m.newSubManager(); GradientCollector gc = m.getEngine().newGradientCollector()) {
                    gc.backward(w.getArray().mul(scope.create(c, shape)).sum());
                }
                a.step(0.1);
                assertThat(w.getArray().getShape()).isEqualTo(shape);
                float[] expected = new float[24];
                for (int i = 0; i < c.length; i++) {
                    expected[i] = -0.1f * c[i];
                }
                assertThat(w.getArray().toFloatArray()).containsExactly(expected);
                HostTensor buffer = a.state().get("conv.weight.momentum_buffer");
                assertThat(buffer.shape()).containsExactly(2, 3, 2, 2);
                assertThat(buffer.data()).containsExactly(c);
                b.restore(a.state(), a.steps());
                assertThat(b.state().get("conv.weight.momentum_buffer").data()).containsExactly(c);
            }
        }
    }

    @Test
    void followsTheGradientsOfAConvolutionOnChannelsLastInput() {
        // The loader's batches are channels-last in memory; the convolution's weight gradient then
        // comes out channels-last too, and the optimizer must still read each step's gradient.
        try (NDManager m = NDManager.newBaseManager(Devices.device())) {
            m.getEngine().setRandomSeed(7);
            NDArray x = m.randomNormal(new Shape(2, 6, 6, 3)).transpose(0, 3, 1, 2);
            NDArray start = m.randomNormal(new Shape(4, 3, 3, 3)).mul(0.3);
            Parameter w = param(m, "conv.weight", start.toFloatArray(), start.getShape());
            NDArray reference = start.duplicate();
            reference.setRequiresGradient(true);
            try (Optimizer o = Optimizer.create("sgd", m, Map.of("conv.weight", w), 0, 0)) {
                for (int i = 0; i < 3; i++) {
                    NDArray expectedGradient = null;
                    for (NDArray weight : new NDArray[] {w.getArray(), reference}) {
                        try (NDManager scope = m.newSubManager(); GradientCollector gc = m.getEngine().newGradientCollector()) {
                            NDArray y = Conv2d.conv2d(x, weight, null, new Shape(1, 1), new Shape(1, 1),
                                    new Shape(1, 1), 1).singletonOrThrow();
                            y.attach(scope);
                            NDArray loss = y.mul(y).mean();
                            loss.attach(scope);
                            gc.backward(loss);
                        }
                        if (weight == reference) {
                            expectedGradient = reference.getGradient().duplicate();
                        }
                    }
                    o.step(0.5);
                    NDArray updated = reference.sub(expectedGradient.mul(0.5));
                    reference.intern(updated);
                    reference.setRequiresGradient(true);
                }
                float[] got = w.getArray().toFloatArray();
                float[] want = reference.toFloatArray();
                assertThat(start.toFloatArray()).isNotEqualTo(want);
                for (int i = 0; i < want.length; i++) {
                    assertThat(got[i]).as("value %d", i).isCloseTo(want[i], within(1e-5f));
                }
            }
        }
    }
}
