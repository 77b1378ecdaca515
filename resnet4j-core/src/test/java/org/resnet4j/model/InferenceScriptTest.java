package org.resnet4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.resnet4j.util.Devices;

/**
 * The fused inference program ({@link InferenceScript}) against the step-by-step forward pass training
 * uses, for every block type, shortcut option and stem, on both memory layouts, with batch norms
 * whose statistics and affine parameters are far from the identity (so a wrong fold shows).
 */
class InferenceScriptTest {
    @ParameterizedTest(name = "{0} shortcut {1} input {2}")
    @CsvSource({
        "resnet20, , 3x32x32",
        "resnet20, B, 3x32x32",
        "resnet20, C, 3x32x32",
        "plain20, , 3x32x32",
        "preact-resnet20, , 3x32x32",
        "preact-resnet20, A, 3x32x32",
        "preact-resnet164, , 3x32x32",
        "resnet18, , 3x75x61",
        "resnet18, , 3x32x32",
        "resnet20, , 3x4x4",
        "preact-resnet20, , 3x4x4",
        "resnet50, , 3x64x64",
        "resnet50, , 3x32x32",
    })
    void logitsAndFeaturesEqualTheStepByStepPass(String name, String shortcut, String input) {
        assumeTrue(Devices.fusesInference(Devices.device()), "fused inference is off on this device");
        ResNetSpec spec = ResNets.spec(name, shortcut, false, false, false, input, null);
        try (ResNetModel model = ResNetModel.create(spec, 3); NDManager m = model.manager().newSubManager()) {
            randomizeBatchNorms(model, 5);
            assertThat(model.runsFused()).as("the fused program compiled").isTrue();
            for (boolean channelsLast : new boolean[] {false, true}) {
                NDArray x = images(m, 3, spec, channelsLast, 7);
                assertClose(model.logits(x), stepByStep(model, x, false), name + " logits, channels-last " + channelsLast);
                assertClose(model.features(x), stepByStep(model, x, true), name + " features, channels-last " + channelsLast);
            }
            assertThat(model.runsFused()).as("no batch fell back to the step-by-step pass").isTrue();
        }
    }

    @Test
    void followsNewWeightsAndTrainingUpdatesAndKeepsNoGradient() {
        assumeTrue(Devices.fusesInference(Devices.device()), "fused inference is off on this device");
        ResNetSpec spec = ResNets.spec("resnet20");
        try (ResNetModel model = ResNetModel.create(spec, 1); NDManager m = model.manager().newSubManager()) {
            NDArray x = images(m, 2, spec, true, 1);
            float[] before = model.logits(x).toFloatArray(); // folds and keeps the operands
            randomizeBatchNorms(model, 9); // new weights replace them
            NDArray imported = model.logits(x);
            assertThat(imported.toFloatArray()).isNotEqualTo(before);
            assertClose(imported, stepByStep(model, x, false), "after importWeights");

            Parameter conv = TorchNames.parameters(model.block()).get("layer2.1.conv1.weight");
            model.trainableParameters(); // the parameters now record gradients and change in place, as in training
            float[] trained = model.logits(x).toFloatArray();
            conv.getArray().muli(0.5f); // an optimizer step's in-place update
            NDArray updated = model.logits(x);
            assertThat(updated.toFloatArray()).isNotEqualTo(trained);
            assertClose(updated, stepByStep(model, x, false), "after an in-place update");
            assertThat(JniUtils.requiresGrad((PtNDArray) updated)).as("inference records no autograd graph").isFalse();
        }
    }

    @ParameterizedTest(name = "{0} input {1}")
    @CsvSource({"resnet20, 3x32x32", "resnet20, 3x4x4", "preact-resnet20, 3x32x32", "resnet50, 3x64x64"})
    void bfloat16ProgramAgreesWithTheStepByStepBfloat16Pass(String name, String input) {
        assumeTrue(Devices.fusesInference(Devices.device()) && Devices.cpuHasBf16(), "no fused bfloat16 here");
        ResNetSpec spec = ResNets.spec(name, null, false, false, false, input, null);
        try (ResNetModel model = ResNetModel.create(spec, 2); NDManager m = model.manager().newSubManager()) {
            randomizeBatchNorms(model, 4);
            model.setPrecision(Precision.BF16);
            assertThat(model.runsFused()).isTrue();
            for (boolean channelsLast : new boolean[] {false, true}) {
                NDArray x = images(m, 4, spec, channelsLast, 2);
                // bfloat16 keeps 8 bits: the two passes round at different places
                assertClose(model.logits(x), stepByStep(model, x, false), 0.05, name + " bf16 logits, channels-last " + channelsLast);
                assertClose(model.features(x), stepByStep(model, x, true), 0.05, name + " bf16 features, channels-last " + channelsLast);
            }
            assertThat(model.runsFused()).as("no batch fell back to the step-by-step pass").isTrue();
        }
    }

    @Test
    void aChangeOfPrecisionCompilesTheProgramAgain() {
        assumeTrue(Devices.fusesInference(Devices.device()) && Devices.cpuHasBf16(), "no fused bfloat16 here");
        ResNetSpec spec = ResNets.spec("resnet20");
        try (ResNetModel model = ResNetModel.create(spec, 6); NDManager m = model.manager().newSubManager()) {
            randomizeBatchNorms(model, 6);
            NDArray x = images(m, 3, spec, true, 6);
            float[] fp32 = model.logits(x).toFloatArray();
            model.setPrecision(Precision.BF16);
            float[] bf16 = model.logits(x).toFloatArray();
            model.setPrecision(Precision.FP32);
            assertThat(bf16).isNotEqualTo(fp32);
            assertThat(model.logits(x).toFloatArray()).isEqualTo(fp32);
        }
    }

    @Test
    void computesFromSeveralThreadsWhileTheWeightsAreReplaced() throws Exception {
        assumeTrue(Devices.fusesInference(Devices.device()), "fused inference is off on this device");
        ResNetSpec spec = ResNets.spec("resnet20");
        try (ResNetModel model = ResNetModel.create(spec, 8); NDManager m = model.manager().newSubManager()) {
            NDArray x = images(m, 2, spec, true, 8);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.List<java.util.concurrent.Future<Integer>> workers = new java.util.ArrayList<>();
            for (int t = 0; t < 2; t++) {
                workers.add(pool.submit(() -> {
                    int n = 0;
                    while (!stop.get()) {
                        try (NDManager scope = m.newSubManager()) {
                            NDArray in = x.duplicate();
                            in.attach(scope);
                            assertThat(model.logits(in).getShape()).isEqualTo(new Shape(2, 10));
                        }
                        n++;
                    }
                    return n;
                }));
            }
            for (int i = 0; i < 20; i++) {
                randomizeBatchNorms(model, 100 + i); // drops the kept operands while the workers compute
            }
            stop.set(true);
            for (var w : workers) {
                assertThat(w.get()).isPositive();
            }
            pool.shutdown();
            assertClose(model.logits(x), stepByStep(model, x, false), "after the last replacement");
        }
    }

    private static NDArray stepByStep(ResNetModel model, NDArray x, boolean features) {
        ParameterStore ps = new ParameterStore(model.manager(), false);
        return features ? model.block().features(ps, x, false, null)
                : model.block().forward(ps, new NDList(x), false).singletonOrThrow();
    }

    /** Random BN parameters and running statistics, far from the identity map that initialisation leaves. */
    private static void randomizeBatchNorms(ResNetModel model, long seed) {
        Random r = new Random(seed);
        Map<String, HostTensor> w = new LinkedHashMap<>(model.weights());
        w.replaceAll((name, t) -> {
            boolean bn = name.endsWith("running_mean") || name.endsWith("running_var")
                    || (!name.startsWith("fc.") && t.shape().length == 1);
            if (!bn) {
                return t;
            }
            float[] v = new float[t.data().length];
            for (int i = 0; i < v.length; i++) {
                v[i] = name.endsWith("running_var") ? 0.5f + r.nextFloat()
                        : name.endsWith(".weight") ? 0.5f + r.nextFloat() : (float) (0.3 * r.nextGaussian());
            }
            return new HostTensor(t.shape(), v);
        });
        model.importWeights(w, "random batch norms");
    }

    /** A batch (N, C, H, W) in NCHW or in channels-last memory (what the loaders deliver). */
    private static NDArray images(NDManager m, int n, ResNetSpec spec, boolean channelsLast, long seed) {
        Random r = new Random(seed);
        int c = spec.inputChannels();
        int h = spec.inputHeight();
        int w = spec.inputWidth();
        float[] v = new float[n * c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return channelsLast ? m.create(v, new Shape(n, h, w, c)).transpose(0, 3, 1, 2) : m.create(v, new Shape(n, c, h, w));
    }

    private static void assertClose(NDArray actual, NDArray expected, String what) {
        assertClose(actual, expected, 1e-4, what);
    }

    /** Equal within {@code relative} of the largest expected magnitude. */
    private static void assertClose(NDArray actual, NDArray expected, double relative, String what) {
        assertThat(actual.getShape()).as(what).isEqualTo(expected.getShape());
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        double scale = 1e-6;
        for (float v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < a.length; i++) {
            assertThat(Math.abs(a[i] - e[i])).as("%s [%d]: %s vs %s", what, i, a[i], e[i]).isLessThanOrEqualTo((float) (relative * scale));
        }
    }
}
