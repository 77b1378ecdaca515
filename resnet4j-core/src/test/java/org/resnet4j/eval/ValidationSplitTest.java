package org.resnet4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.resnet4j.dataset.ImageSet;
import org.resnet4j.dataset.Splits;

class ValidationSplitTest {
    static final ImageSet TRAIN = EvaluatorTest.images(30, 1, 2, TinyModels.CLASSES, 1);

    static JsonObject provenance(Integer valSplit, Long seed) {
        JsonObject config = new JsonObject();
        if (valSplit != null) {
            config.addProperty("valSplit", valSplit);
        }
        if (seed != null) {
            config.addProperty("seed", seed);
        }
        JsonObject p = new JsonObject();
        p.add("config", config);
        return p;
    }

    @Test
    void picksTheSameImagesAsTheTrainersHoldOut() {
        ImageSet val = ValidationSplit.of(provenance(6, 42L), TRAIN, "m");
        ImageSet expected = Splits.holdOut(TRAIN, 6, 42).val();
        assertThat(val.size()).isEqualTo(6);
        assertThat(Arrays.equals(val.pixels(), expected.pixels())).isTrue();
        assertThat(val.labels()).containsExactly(expected.labels());
    }

    @Test
    void absentValSplitIsTheTrainersDefault() {
        JsonObject cifar = provenance(null, 1L);
        cifar.getAsJsonObject("config").addProperty("dataset", "cifar10");
        assertThat(ValidationSplit.of(cifar, TRAIN, "m").size()).isEqualTo(3); // a tenth of a small pool
        JsonObject mnist = provenance(null, 1L);
        mnist.getAsJsonObject("config").addProperty("dataset", "mnist");
        assertThat(ValidationSplit.of(mnist, TRAIN, "m").size()).isEqualTo(3); // the same rule for every data set
        assertThatThrownBy(() -> ValidationSplit.of(provenance(0, 1L), TRAIN, "m")).hasMessageContaining("without a validation split");
    }

    @Test
    void missingConfigSeedOrHoldOutAreClearErrors() {
        assertThatThrownBy(() -> ValidationSplit.of(new JsonObject(), TRAIN, "m")).hasMessageContaining("no training config");
        assertThatThrownBy(() -> ValidationSplit.of(null, TRAIN, "m")).hasMessageContaining("no training config");
        assertThatThrownBy(() -> ValidationSplit.of(provenance(6, null), TRAIN, "m")).hasMessageContaining("no seed");
        assertThatThrownBy(() -> ValidationSplit.of(provenance(0, 1L), TRAIN, "m"))
                .hasMessageContaining("without a validation split");
    }
}
