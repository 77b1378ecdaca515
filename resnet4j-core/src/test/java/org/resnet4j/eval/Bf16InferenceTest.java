package org.resnet4j.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.resnet4j.dataset.Batch;
import org.resnet4j.dataset.BatchLoader;
import org.resnet4j.dataset.Datasets;
import org.resnet4j.dataset.LoadOptions;
import org.resnet4j.dataset.Samples;
import org.resnet4j.dataset.Splits;
import org.resnet4j.model.Precision;
import org.resnet4j.model.ResNetModel;

/**
 * bfloat16 inference of the shipped resnet20 on real CIFAR-10 test images stays close to float32's:
 * the logits differ by a small fraction of their spread and the predicted classes hardly change.
 */
class Bf16InferenceTest {
    static final Path ZIP = Path.of("..", "shared", "data", "cifar10-jpeg.zip");
    static final int IMAGES = 1000;
    /** Largest |bf16 - fp32| logit of an image over the spread (max - min) of its fp32 logits; measured 0.015. */
    static final double MAX_RELATIVE_LOGIT_ERROR = 0.05;
    /** Mean of the same over the images; measured 0.004. */
    static final double MEAN_RELATIVE_LOGIT_ERROR = 0.015;
    /** Images whose top-1 class changes; measured 0.2% (2 of 1000), the error unchanged (10.80%). */
    static final double MAX_CHANGED_PREDICTIONS = 0.01;

    @Test
    void bf16LogitsOfTheShippedModelAreCloseToFp32s() {
        Assumptions.assumeTrue(Files.exists(ZIP), ZIP.toAbsolutePath() + " not found: skipping the bf16 logits test on CIFAR-10");
        try (ResNetModel model = ResNetModel.load(Path.of("models", "resnet20-cifar10"))) {
            Samples test = Datasets.load("folder", ZIP, ModelPipeline.loadOptions(model,
                    new LoadOptions(false, model.spec().inputChannels(), false, true))).test();
            Samples subset = Splits.stratifiedSubset(test, IMAGES, 7);
            int classes = model.spec().classes();
            double maxRel = 0;
            double sumRel = 0;
            int changed = 0;
            int wrong32 = 0;
            int wrong16 = 0;
            try (BatchLoader loader = new BatchLoader(subset, ModelPipeline.of(model, false), 125, false, false, 0L, 0,
                    model.manager(), 1)) {
                while (loader.hasNext()) {
                    try (Batch b = loader.next()) {
                        model.setPrecision(Precision.FP32);
                        float[] fp32 = model.logits(b.images()).toFloatArray();
                        model.setPrecision(Precision.BF16);
                        float[] bf16 = model.logits(b.images()).toFloatArray();
                        long[] labels = b.labels().toLongArray();
                        for (int i = 0; i < b.size(); i++) {
                            double lo = Double.POSITIVE_INFINITY;
                            double hi = Double.NEGATIVE_INFINITY;
                            double diff = 0;
                            int top32 = 0;
                            int top16 = 0;
                            for (int c = 0; c < classes; c++) {
                                int k = i * classes + c;
                                lo = Math.min(lo, fp32[k]);
                                hi = Math.max(hi, fp32[k]);
                                diff = Math.max(diff, Math.abs(bf16[k] - fp32[k]));
                                top32 = fp32[k] > fp32[i * classes + top32] ? c : top32;
                                top16 = bf16[k] > bf16[i * classes + top16] ? c : top16;
                            }
                            double rel = diff / (hi - lo);
                            maxRel = Math.max(maxRel, rel);
                            sumRel += rel;
                            changed += top32 != top16 ? 1 : 0;
                            wrong32 += top32 != labels[i] ? 1 : 0;
                            wrong16 += top16 != labels[i] ? 1 : 0;
                        }
                    }
                }
            }
            System.out.printf("bf16 vs fp32 logits on %d CIFAR-10 test images: max relative error %.4f, mean %.4f, "
                    + "%d predictions changed, error %.2f%% -> %.2f%%%n", IMAGES, maxRel, sumRel / IMAGES, changed,
                    100.0 * wrong32 / IMAGES, 100.0 * wrong16 / IMAGES);
            assertThat(maxRel).as("max relative logit error").isLessThanOrEqualTo(MAX_RELATIVE_LOGIT_ERROR);
            assertThat(sumRel / IMAGES).as("mean relative logit error").isLessThanOrEqualTo(MEAN_RELATIVE_LOGIT_ERROR);
            assertThat((double) changed / IMAGES).as("share of changed predictions").isLessThanOrEqualTo(MAX_CHANGED_PREDICTIONS);
            assertThat(wrong32).as("the shipped model classifies most of them (fp32)").isLessThan(IMAGES / 5);
        }
    }
}
