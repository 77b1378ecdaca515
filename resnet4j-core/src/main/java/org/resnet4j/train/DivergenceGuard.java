package org.resnet4j.train;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Locale;
import org.resnet4j.ResNet4jException;
import org.resnet4j.util.Json;

/**
 * Ends a run whose loss is no longer finite, with summary.json saying so, and keeps the last good
 * checkpoint (the step that diverged did not update the weights, {@link TrainingStep#train}).
 */
final class DivergenceGuard implements TrainingListener {
    private final Path runDir;

    DivergenceGuard(Path runDir) {
        this.runDir = runDir;
    }

    @Override
    public void onStep(TrainingLoop loop, TrainingStep.Outcome step, double lr) {
        if (Float.isFinite(step.loss())) {
            return;
        }
        Path last = runDir.resolve(Trainer.LAST);
        Checkpoint.State s = Checkpoint.load(last).state();
        JsonObject summary = new JsonObject();
        summary.addProperty("status", "diverged");
        summary.addProperty("epoch", loop.currentEpoch());
        summary.addProperty("iteration", loop.iteration());
        summary.addProperty("lr", lr);
        summary.addProperty("last_good_checkpoint", last.toString());
        Json.write(runDir.resolve(Trainer.SUMMARY), summary);
        throw new ResNet4jException(String.format(Locale.ROOT,
                "training diverged: the loss is %s at epoch %d, iteration %d (lr %g); the last good checkpoint "
                        + "(epoch %d, iteration %d) is kept in %s: lower --lr or add a warm-up "
                        + "(--warmup-lr 0.01 --warmup-iters 400)",
                Float.isNaN(step.loss()) ? "NaN" : "infinite", loop.currentEpoch(), loop.iteration(), lr, s.epoch(),
                s.iteration(), last));
    }
}
