package org.resnet4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
}
