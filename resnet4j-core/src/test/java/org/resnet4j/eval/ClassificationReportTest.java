package org.resnet4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassificationReportTest {
    private static final List<String> ABC = List.of("a", "b", "c");
    // true a->a, a->b, b->b, c->c, c->a
    private static final float[][] LOGITS = {{2, 1, 0}, {0, 3, 1}, {0, 2, 1}, {0, 1, 2}, {3, 0, 1}};
    private static final int[] LABELS = {0, 0, 1, 2, 2};

    @Test
    void confusionRowsAreTrueClassesColumnsPredicted() {
        ClassificationReport r = ClassificationReport.of(ABC, LOGITS, LABELS);
        assertThat(r.confusion()).isEqualTo(new long[][] {{1, 1, 0}, {0, 1, 0}, {1, 0, 1}});
        assertThat(r.count()).isEqualTo(5);
    }

    @Test
    void precisionRecallF1AndSupportByHand() {
        List<ClassificationReport.ClassMetrics> pc = ClassificationReport.of(ABC, LOGITS, LABELS).perClass();
        // a: predicted twice (ex0, ex4), right once; present twice, found once
        assertThat(pc.get(0).precision()).isCloseTo(0.5, within(1e-12));
        assertThat(pc.get(0).recall()).isCloseTo(0.5, within(1e-12));
        assertThat(pc.get(0).f1()).isCloseTo(0.5, within(1e-12));
        assertThat(pc.get(0).support()).isEqualTo(2);
        // b: predicted twice, right once; present once, found
        assertThat(pc.get(1).precision()).isCloseTo(0.5, within(1e-12));
        assertThat(pc.get(1).recall()).isCloseTo(1.0, within(1e-12));
        assertThat(pc.get(1).f1()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(pc.get(1).support()).isEqualTo(1);
        // c: predicted once, right; present twice, found once
        assertThat(pc.get(2).precision()).isCloseTo(1.0, within(1e-12));
        assertThat(pc.get(2).recall()).isCloseTo(0.5, within(1e-12));
        assertThat(pc.get(2).f1()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(pc.get(2).support()).isEqualTo(2);
    }

    @Test
    void top1ErrorAndMeanCrossEntropy() {
        ClassificationReport r = ClassificationReport.of(ABC, LOGITS, LABELS);
        assertThat(r.top1Error()).isCloseTo(0.4, within(1e-12));
        assertThat(r.top5Error()).isEqualTo(0.0); // fewer than five classes: always in the top five
        double expected = 0;
        for (int i = 0; i < LOGITS.length; i++) {
            double sum = 0;
            for (float v : LOGITS[i]) {
                sum += Math.exp(v);
            }
            expected += -Math.log(Math.exp(LOGITS[i][LABELS[i]]) / sum);
        }
        assertThat(r.loss()).isCloseTo(expected / 5, within(1e-9));
    }

    @Test
    void top5CountsTheTrueClassAmongTheFiveHighestScores() {
        List<String> seven = List.of("0", "1", "2", "3", "4", "5", "6");
        float[] scores = {7, 6, 5, 4, 3, 2, 1};
        // label 4 is fifth (in the top five), label 5 sixth (out), label 0 first
        ClassificationReport r = ClassificationReport.of(seven, new float[][] {scores, scores, scores}, new int[] {4, 5, 0});
        assertThat(r.top1Error()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(r.top5Error()).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void classNeverPredictedHasZeroPrecisionNotNaN() {
        ClassificationReport r = ClassificationReport.of(List.of("x", "y"), new float[][] {{1, 0}, {1, 0}}, new int[] {0, 1});
        assertThat(r.perClass().get(1).precision()).isEqualTo(0.0);
        assertThat(r.perClass().get(1).f1()).isEqualTo(0.0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonHasTheIssueShape() {
        Map<String, Object> j = ClassificationReport.of(ABC, LOGITS, LABELS).toJson();
        assertThat(j).containsOnlyKeys("top1_error", "top5_error", "loss", "count", "per_class", "confusion");
        assertThat(List.copyOf(j.keySet())).containsExactly("top1_error", "top5_error", "loss", "count", "per_class", "confusion");
        List<Map<String, Object>> pc = (List<Map<String, Object>>) j.get("per_class");
        assertThat(pc).hasSize(3);
        assertThat(List.copyOf(pc.get(0).keySet())).containsExactly("class", "precision", "recall", "f1", "support");
        assertThat(pc.get(2).get("class")).isEqualTo("c");
        assertThat((double) j.get("top1_error")).isCloseTo(0.4, within(1e-12));
        assertThat(j.get("count")).isEqualTo(5L);
        assertThat((long[][]) j.get("confusion")).isEqualTo(new long[][] {{1, 1, 0}, {0, 1, 0}, {1, 0, 1}});
    }

    @Test
    void textTableNamesClassesAndConfusion() {
        String t = ClassificationReport.of(ABC, LOGITS, LABELS).toText();
        assertThat(t).contains("precision", "recall", "f1-score", "support", "accuracy", "macro avg", "weighted avg");
        assertThat(t).containsPattern("\\s+a\\s+0\\.50\\s+0\\.50\\s+0\\.50\\s+2");
        assertThat(t).contains("top-1 error 40.00%");
        assertThat(t).contains("true \\ predicted");
        assertThat(t).containsPattern("(?m)^c\\s+1\\s+0\\s+1\\s*$");
    }

    @Test
    void badLabelsAreRejected() {
        assertThatThrownBy(() -> ClassificationReport.of(ABC, new float[][] {{1, 2, 3}}, new int[] {3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label 3");
        assertThatThrownBy(() -> ClassificationReport.accumulator(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
