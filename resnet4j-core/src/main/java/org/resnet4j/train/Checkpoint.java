package org.resnet4j.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.resnet4j.ResNet4jException;
import org.resnet4j.model.HostTensor;
import org.resnet4j.model.WeightsFile;
import org.resnet4j.util.AtomicFiles;
import org.resnet4j.util.Json;

/**
 * A training checkpoint: a directory with {@code weights.safetensors} (every parameter and BN
 * statistic under PyTorch names), {@code optimizer.safetensors} (momentum buffers or Adam moments,
 * same names plus a suffix) and {@code state.json}. Written with
 * {@link AtomicFiles#replaceDirectory}, so a reader (or a resume after {@code kill -9}) sees the
 * previous checkpoint or the complete new one.
 */
public record Checkpoint(State state, Map<String, HostTensor> weights, Map<String, HostTensor> optimizer) {
    public static final String FORMAT = "resnet4j-checkpoint";
    public static final String WEIGHTS = "weights.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String STATE = "state.json";

    /**
     * Where training stands. {@code epoch} epochs are complete and {@code batch} batches of the next
     * one are done ({@code batch > 0} only for a checkpoint written on interruption, or when an
     * iteration budget ends mid-epoch); resume skips those batches of the (deterministic) epoch
     * order and continues with the partial sums in {@code partial}.
     */
    public record State(
            String format,
            int epoch,
            int batch,
            long iteration,
            long optimizerSteps,
            long seed,
            Double bestValError,
            Integer bestEpoch,
            LearningRateSchedule.PlateauState plateau,
            Partial partial,
            List<EpochMetrics> metrics,
            String reason) {}

    /** Running sums of the epoch in progress. */
    public record Partial(double lossSum, long errors, long seen, double trainSeconds, double seconds) {
        public static Partial empty() {
            return new Partial(0, 0, 0, 0, 0);
        }
    }

    public void save(Path dir) {
        AtomicFiles.replaceDirectory(dir, tmp -> {
            WeightsFile.writeSafetensors(tmp.resolve(WEIGHTS), weights, Map.of("format", "pt"));
            WeightsFile.writeSafetensors(tmp.resolve(OPTIMIZER), optimizer, Map.of("format", "pt"));
            Json.write(tmp.resolve(STATE), state);
        });
    }

    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE));
    }

    public static Checkpoint load(Path dir) {
        if (!exists(dir)) {
            throw new ResNet4jException(dir + ": no checkpoint there (no " + STATE + ")");
        }
        State s = Json.read(dir.resolve(STATE), State.class);
        if (!FORMAT.equals(s.format())) {
            throw new ResNet4jException(dir.resolve(STATE) + ": not a ResNet4J checkpoint");
        }
        return new Checkpoint(s, WeightsFile.read(dir.resolve(WEIGHTS)), WeightsFile.read(dir.resolve(OPTIMIZER)));
    }
}
