package org.resnet4j.train;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Checkpoints: {@code checkpoints/last} at the start, at every epoch's end and on a stop request
 * mid-epoch (holding the batches done, so resume loses nothing); {@code checkpoints/best} at the epoch
 * with the lowest validation error. A stop names the checkpoint and the command that resumes it.
 */
final class CheckpointWriter implements TrainingListener {
    private final Path runDir;
    private final PrintWriter err;

    CheckpointWriter(Path runDir, PrintWriter err) {
        this.runDir = runDir;
        this.err = err;
    }

    /** A new run's first checkpoint, before any step: the run directory is a run from now on ({@link Trainer#isRun}). */
    @Override
    public void onStart(TrainingLoop loop) {
        if (!loop.resumed()) {
            loop.checkpoint("start").save(runDir.resolve(Trainer.LAST));
        }
    }

    @Override
    public void onEpochEnd(TrainingLoop loop, EpochMetrics m, boolean bestValidation) {
        loop.checkpoint("epoch").save(runDir.resolve(Trainer.LAST));
        if (bestValidation) {
            loop.checkpoint("best validation error").save(runDir.resolve(Trainer.BEST));
        }
    }

    @Override
    public void onStop(TrainingLoop loop, boolean midEpoch) {
        if (midEpoch) {
            loop.checkpoint("interrupted").save(runDir.resolve(Trainer.LAST));
            err.println(String.format(Locale.ROOT,
                    "resnet4j: stopped at epoch %d, iteration %d (batch %d of %d); checkpoint written to %s. "
                            + "Resume with: ./resnet4j train --resume %s",
                    loop.currentEpoch(), loop.iteration(), loop.batchesDone(), loop.batchesPerEpoch, runDir.resolve(Trainer.LAST), runDir));
        } else {
            err.println(String.format(Locale.ROOT,
                    "resnet4j: stopped after epoch %d, iteration %d; checkpoint written to %s. "
                            + "Resume with: ./resnet4j train --resume %s",
                    loop.lastMetrics().epoch(), loop.iteration(), runDir.resolve(Trainer.LAST), runDir));
        }
        err.flush();
    }
}
