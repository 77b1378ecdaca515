package org.resnet4j.train;

/**
 * One concern of a training run beside the loop itself, as DJL's {@code TrainingListener}: progress,
 * checkpoints, metrics files, divergence, the final model. The loop calls its listeners in the order
 * it was given them (the order matters: see {@code Trainer}); a listener reads the loop's state
 * ({@link TrainingLoop}) and does not change it. It may ask the loop to stop after the step
 * ({@link TrainingLoop#requestStop()}) or end the run at once by throwing ({@link DivergenceGuard}).
 */
interface TrainingListener {
    /** Before the first step of this session; {@code loop.resumed()} tells a new run from a resumed one. */
    default void onStart(TrainingLoop loop) {}

    /** The batches of epoch {@code loop.currentEpoch()} begin; {@code loop.batchesDone()} of them are done already when resuming. */
    default void onEpochStart(TrainingLoop loop) {}

    /**
     * One step is done; the loop's counters and running sums include it, even when its loss is not finite
     * ({@link DivergenceGuard}, first in the list, ends the run before the others hear of such a step).
     */
    default void onStep(TrainingLoop loop, TrainingStep.Outcome step, double lr) {}

    /**
     * An epoch ended (or the iteration budget, mid-epoch) and {@code m} is its row; the loop's state is
     * what a checkpoint taken now holds. {@code bestValidation}: its validation error is the lowest so far.
     */
    default void onEpochEnd(TrainingLoop loop, EpochMetrics m, boolean bestValidation) {}

    /**
     * A stop request ended the session: mid-epoch ({@code loop.partial} holds the cut epoch's sums, not yet
     * saved) or right after an epoch's end (saved by {@link #onEpochEnd}).
     */
    default void onStop(TrainingLoop loop, boolean midEpoch) {}

    /** The budget is done; {@code seconds}: this session's wall time. */
    default void onFinish(TrainingLoop loop, double seconds) {}

    /** An exception or error leaves the loop (from a step, an evaluation or a listener). */
    default void onAbort(TrainingLoop loop) {}
}
