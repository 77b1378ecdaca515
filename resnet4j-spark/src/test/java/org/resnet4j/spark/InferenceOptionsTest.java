package org.resnet4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.resnet4j.UsageException;
import org.resnet4j.model.Precision;

/** Options are checked where they are given, with messages naming the job's flags. */
class InferenceOptionsTest {
    @Test
    void defaultsAreTheCommandLineTools() {
        InferenceOptions o = InferenceOptions.of("hdfs:///models/resnet50");
        assertThat(o.batchSize()).isEqualTo(64);
        assertThat(o.topK()).isEqualTo(5);
        assertThat(o.precision()).isEqualTo(Precision.FP32);
        assertThat(o.normalizeEmbeddings()).isTrue();
        assertThat(o.withPrecision("BF16").precision()).isEqualTo(Precision.BF16);
    }

    @Test
    void precisionsOtherThanFp32AndBf16AreRefusedNamingTheFlag() {
        InferenceOptions o = InferenceOptions.of("m");
        for (String p : new String[] {"fp16", "int8", ""}) {
            assertThatThrownBy(() -> o.withPrecision(p)).isInstanceOf(UsageException.class)
                    .hasMessage("--precision: expected fp32 or bf16, not '" + p + "'");
        }
    }

    @Test
    void outOfRangeValuesNameTheirFlag() {
        InferenceOptions o = InferenceOptions.of("m");
        assertThatThrownBy(() -> o.withBatchSize(0)).isInstanceOf(UsageException.class).hasMessage("--batch-size: must be at least 1, not 0");
        assertThatThrownBy(() -> o.withTopK(0)).isInstanceOf(UsageException.class).hasMessage("--top: must be at least 1, not 0");
        assertThatThrownBy(() -> InferenceOptions.of(" ")).isInstanceOf(UsageException.class).hasMessageStartingWith("--model-dir:");
    }
}
