package org.resnet4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.resnet4j.model.Precision;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNets;

/**
 * A bfloat16 training step's gradients are float32's within bfloat16's precision: resnet20, same
 * weights, batch and labels, train-mode forward, mean cross-entropy, backward. Every parameter's
 * gradient points the same way (cosine similarity) and has nearly the same norm; and the gradients
 * are not float32's exactly, so the step did compute in bfloat16.
 */
class Bf16GradientTest {
    /**
     * Per parameter: the cosine similarity of its bf16 and fp32 gradients. Measured 0.90 at worst (an early
     * BN's gamma: a sum over 16x32x32 products of bfloat16 values, with cancellation), conv weights
     * 0.96 at worst; PyTorch 1.13's autocast against its own fp32 gives the same picture on this network
     * (worst 0.91, conv1 0.956).
     */
    static final double MIN_COSINE = 0.85;
    /** Mean over the parameters of the same; measured 0.978. */
    static final double MIN_MEAN_COSINE = 0.95;
    /** All gradients as one vector; measured 0.992. */
    static final double MIN_TOTAL_COSINE = 0.98;
    /** |norm bf16 - norm fp32| / norm fp32 per parameter; measured 0.18 at worst (an early BN's gamma), conv weights 0.017. */
    static final double MAX_NORM_ERROR = 0.3;
    /** The same for all gradients as one vector; measured 0.002. */
    static final double MAX_TOTAL_NORM_ERROR = 0.01;

    @Test
    void bf16GradientsMatchFp32sWithinBfloat16Precision() {
        int batch = 16;
        float[] images = new float[batch * 3 * 32 * 32];
        Random r = new Random(3);
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) r.nextGaussian();
        }
        long[] labels = r.longs(batch, 0, 10).toArray();
        Map<String, float[]> fp32 = gradients(Precision.FP32, images, labels);
        Map<String, float[]> bf16 = gradients(Precision.BF16, images, labels);
        assertThat(bf16.keySet()).containsExactlyElementsOf(fp32.keySet());
        boolean anyDifferent = false;
        double sumCosine = 0;
        double worstCosine = 1;
        double worstNorm = 0;
        double dotAll = 0;
        double aAll = 0;
        double bAll = 0;
        for (String name : fp32.keySet()) {
            float[] a = fp32.get(name);
            float[] b = bf16.get(name);
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int i = 0; i < a.length; i++) {
                dot += (double) a[i] * b[i];
                na += (double) a[i] * a[i];
                nb += (double) b[i] * b[i];
                anyDifferent |= a[i] != b[i];
            }
            dotAll += dot;
            aAll += na;
            bAll += nb;
            double cosine = dot / Math.sqrt(na * nb);
            double normError = Math.abs(Math.sqrt(nb) - Math.sqrt(na)) / Math.sqrt(na);
            sumCosine += cosine;
            worstCosine = Math.min(worstCosine, cosine);
            worstNorm = Math.max(worstNorm, normError);
            assertThat(cosine).as("%s: cosine similarity of the bf16 and fp32 gradients", name).isGreaterThanOrEqualTo(MIN_COSINE);
            assertThat(normError).as("%s: relative error of the gradient norm", name).isLessThanOrEqualTo(MAX_NORM_ERROR);
        }
        double meanCosine = sumCosine / fp32.size();
        double totalCosine = dotAll / Math.sqrt(aAll * bAll);
        double totalNormError = Math.abs(Math.sqrt(bAll) - Math.sqrt(aAll)) / Math.sqrt(aAll);
        System.out.printf("bf16 vs fp32 gradients of resnet20 (%d parameters): cosine worst %.4f, mean %.4f, all %.4f; "
                + "norm error worst %.4f, all %.4f%n", fp32.size(), worstCosine, meanCosine, totalCosine, worstNorm, totalNormError);
        assertThat(meanCosine).as("mean cosine similarity over the parameters").isGreaterThanOrEqualTo(MIN_MEAN_COSINE);
        assertThat(totalCosine).as("cosine similarity of all gradients").isGreaterThanOrEqualTo(MIN_TOTAL_COSINE);
        assertThat(totalNormError).as("relative error of the norm of all gradients").isLessThanOrEqualTo(MAX_TOTAL_NORM_ERROR);
        assertThat(anyDifferent).as("bf16 gradients differ from fp32's (the step computed in bfloat16)").isTrue();
    }

    /** One train-mode step's gradients, by parameter name, of resnet20 with the weights of seed 42. */
    static Map<String, float[]> gradients(Precision precision, float[] images, long[] labels) {
        try (ResNetModel model = ResNetModel.create(ResNets.spec("resnet20"), 42)) {
            model.setPrecision(precision);
            Map<String, Parameter> params = model.trainableParameters();
            NDManager m = model.manager();
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray x = m.create(images, new Shape(labels.length, 3, 32, 32));
                NDArray logits = model.block().forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
                gc.backward(TrainingStep.crossEntropy(logits, m.create(labels)));
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            params.forEach((name, p) -> out.put(name, p.getArray().getGradient().toFloatArray()));
            return out;
        }
    }
}
