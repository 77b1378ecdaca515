package org.resnet4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.ResNet4jException;
import org.resnet4j.model.HostTensor;

class CheckpointTest {
    @TempDir Path tmp;

    @Test
    void saveLoadIsExactAndReplacesAtomically() throws Exception {
        Map<String, HostTensor> w = Map.of("conv1.weight", new HostTensor(new long[] {2, 2}, new float[] {1.5f, -0f, Float.MIN_VALUE, 3e-8f}));
        Map<String, HostTensor> o = Map.of("conv1.weight.momentum_buffer", new HostTensor(new long[] {2}, new float[] {0.25f, -7f}));
        EpochMetrics m = new EpochMetrics(1, 7, 0.1, 1.2, 0.5, 1.3, 0.6, null, 100, 2.5);
        Checkpoint.State s = new Checkpoint.State(Checkpoint.FORMAT, 1, 3, 10, 10, 42, 0.6, 1,
                new LearningRateSchedule.PlateauState(Double.POSITIVE_INFINITY, 1, 0.1),
                new Checkpoint.Partial(1.5, 7, 96, 1.0, 2.0), List.of(m), "interrupted");
        Path dir = tmp.resolve("checkpoints/last");
        new Checkpoint(s, w, o).save(dir);
        new Checkpoint(s, w, o).save(dir); // replaces the previous one
        Checkpoint back = Checkpoint.load(dir);
        assertThat(back.state()).isEqualTo(s);
        assertThat(back.weights().get("conv1.weight").data()).containsExactly(w.get("conv1.weight").data());
        assertThat(back.optimizer().get("conv1.weight.momentum_buffer").data()).containsExactly(0.25f, -7f);
        try (var files = Files.list(dir.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("last"); // no temporaries left
        }
    }

    /** Issue 17 item 3: a broken state.json is one line naming the file and where it breaks, no Java class names. */
    @Test
    void brokenStateJsonNamesTheFileAndPlace() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("last"));
        Files.writeString(dir.resolve(Checkpoint.STATE), "{\"format\": \"resnet4j-checkpoint\",\n \"epoch\": 3");
        assertThatThrownBy(() -> Checkpoint.load(dir)).isInstanceOf(ResNet4jException.class)
                .hasMessageStartingWith(dir.resolve(Checkpoint.STATE) + ": not valid JSON at line 2, column")
                .hasMessageNotContaining("java.").hasMessageNotContaining("Exception");
        Files.writeString(dir.resolve(Checkpoint.STATE), "{\"format\": \"resnet4j-checkpoint\", \"epoch\": \"three\"}");
        assertThatThrownBy(() -> Checkpoint.load(dir)).hasMessageStartingWith(dir.resolve(Checkpoint.STATE) + ": ")
                .hasMessageContaining("epoch").hasMessageNotContaining("java.").hasMessageNotContaining("Exception");
    }

    @Test
    void missingCheckpointIsOneLine() {
        assertThatThrownBy(() -> Checkpoint.load(tmp)).isInstanceOf(ResNet4jException.class).hasMessageContaining("no checkpoint");
    }
}
