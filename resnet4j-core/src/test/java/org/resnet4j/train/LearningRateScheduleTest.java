package org.resnet4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.resnet4j.ResNet4jException;

class LearningRateScheduleTest {
    @Test
    void paperMultistepWithWarmup() {
        LearningRateSchedule s = LearningRateSchedule.parse("multistep", 0.1, 0.01, 400, "constant", 64_000);
        assertThat(s.resolved()).isEqualTo("multistep:32000,48000");
        assertThat(s.lr(0)).isEqualTo(0.01);
        assertThat(s.lr(399)).isEqualTo(0.01);
        assertThat(s.lr(400)).isEqualTo(0.1);
        assertThat(s.lr(31_999)).isEqualTo(0.1);
        assertThat(s.lr(32_000)).isCloseTo(0.01, within(1e-12));
        assertThat(s.lr(47_999)).isCloseTo(0.01, within(1e-12));
        assertThat(s.lr(48_000)).isCloseTo(0.001, within(1e-12));
        assertThat(LearningRateSchedule.parse("multistep:10,20", 0.5, 0, 0, "constant", 30).lr(20)).isCloseTo(0.005, within(1e-12));
    }

    @Test
    void linearWarmupRisesToTheScheduleWithoutAJump() {
        LearningRateSchedule s = LearningRateSchedule.parse("cosine", 0.1, 0.01, 100, "linear", 1000);
        assertThat(s.lr(0)).isCloseTo(0.01, within(1e-12));
        double atEnd = 0.1 * (1 + Math.cos(Math.PI * 100 / 1000)) / 2;
        assertThat(s.lr(50)).isCloseTo(0.01 + (atEnd - 0.01) / 2, within(1e-12));
        assertThat(s.lr(99)).isLessThan(atEnd).isCloseTo(atEnd, within(0.001));
        assertThat(s.lr(100)).isCloseTo(atEnd, within(1e-12));
        for (int i = 1; i < 100; i++) {
            assertThat(s.lr(i)).isGreaterThan(s.lr(i - 1));
        }
        assertThatThrownBy(() -> LearningRateSchedule.parse("cosine", 0.1, 0.01, 100, "ramp", 1000))
                .isInstanceOf(ResNet4jException.class).hasMessageStartingWith("--warmup");
    }

    @Test
    void cosineAndOneCycle() {
        LearningRateSchedule c = LearningRateSchedule.parse("cosine", 0.1, 0, 0, "constant", 1000);
        assertThat(c.lr(0)).isCloseTo(0.1, within(1e-12));
        assertThat(c.lr(500)).isCloseTo(0.05, within(1e-12));
        assertThat(c.lr(1000)).isCloseTo(0.0, within(1e-12));
        LearningRateSchedule o = LearningRateSchedule.parse("onecycle", 0.1, 0, 0, "constant", 1000);
        assertThat(o.lr(0)).isCloseTo(0.004, within(1e-12)); // max / 25
        assertThat(o.lr(299)).isCloseTo(0.1, within(1e-9)); // peak at pct_start * total - 1
        assertThat(o.lr(999)).isCloseTo(0.004 / 1e4, within(1e-12));
    }

    @Test
    void plateauReducesAfterPatienceAndRestores() {
        LearningRateSchedule p = LearningRateSchedule.parse("plateau:2", 0.1, 0, 0, "constant", 100);
        p.endEpoch(1.0); // best
        p.endEpoch(1.0); // bad 1
        p.endEpoch(1.0); // bad 2
        assertThat(p.lr(50)).isEqualTo(0.1);
        p.endEpoch(1.0); // bad 3 > patience: reduce
        assertThat(p.lr(50)).isCloseTo(0.01, within(1e-12));
        p.endEpoch(0.5); // improvement
        LearningRateSchedule q = LearningRateSchedule.parse("plateau:2", 0.1, 0, 0, "constant", 100);
        q.restore(p.plateauState());
        assertThat(q.lr(60)).isEqualTo(p.lr(60));
        assertThat(q.plateauState()).isEqualTo(new LearningRateSchedule.PlateauState(0.5, 0, p.plateauState().scale()));
    }

    @Test
    void badSchedulesNameTheFlag() {
        assertThatThrownBy(() -> LearningRateSchedule.parse("foo:x", 0.1, 0, 0, "constant", 10)).isInstanceOf(ResNet4jException.class)
                .hasMessageStartingWith("--schedule: unknown schedule 'foo:x'");
        assertThatThrownBy(() -> LearningRateSchedule.parse("multistep:20,10", 0.1, 0, 0, "constant", 10))
                .hasMessageStartingWith("--schedule: bad value");
        assertThatThrownBy(() -> LearningRateSchedule.parse("plateau:x", 0.1, 0, 0, "constant", 10)).hasMessageStartingWith("--schedule");
    }
}
