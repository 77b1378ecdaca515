package org.resnet4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 17 item 10: the progress bar fits the terminal and keeps its numbers with their units. */
class ProgressLineTest {
    static final String NUMBERS = "loss 2.303 err 0.901 lr 0.100 1234 img/s";

    @Test
    void at80ColumnsTheBarFitsAndTheNumbersKeepTheirUnits() {
        String line = ProgressLine.line("epoch 12/164", 120, 352, NUMBERS, Duration.ofSeconds(42), 80);
        assertThat(line.length()).isLessThan(80);
        assertThat(line).startsWith("epoch 12/164 [").contains("] 120/352 " + NUMBERS);
        String bar = line.substring(line.indexOf('[') + 1, line.indexOf(']'));
        assertThat(bar.length()).isGreaterThanOrEqualTo(10);
        assertThat(bar.chars().filter(c -> c == '=').count()).isEqualTo(bar.length() * 120L / 352);
    }

    @Test
    void wideTerminalsGetALongerBarAndTheTimeLeftNarrowOnesKeepTheNumbers() {
        String wide = ProgressLine.line("epoch 12/164", 352, 352, NUMBERS, Duration.ofSeconds(100), 160);
        assertThat(wide.length()).isLessThan(160);
        assertThat(wide).endsWith(NUMBERS + " ETA 1:40").contains("[" + "=".repeat(40));
        String narrow = ProgressLine.line("epoch 12/164", 120, 352, NUMBERS, Duration.ofSeconds(100), 66);
        assertThat(narrow).isEqualTo("epoch 12/164 120/352 " + NUMBERS);
        assertThat(ProgressLine.line("epoch 12/164", 120, 352, NUMBERS, null, 30).length()).isLessThan(30);
    }
}
