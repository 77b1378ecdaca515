package org.resnet4j.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.resnet4j.dataset.Batch;
import org.resnet4j.dataset.BatchLoader;
import org.resnet4j.dataset.Samples;
import org.resnet4j.model.ResNetModel;

/**
 * The training loop: epochs of SGD steps over the training split, then the validation and test errors
 * at each epoch's end. Everything else a run does is a {@link TrainingListener}.
 *
 * <p>Its state is what a checkpoint holds: completed epochs, batches done of the next one, iterations,
 * the best validation error, the running sums of a cut epoch and the metrics so far. The order and
 * augmentation of epoch e depend only on (seed, e), so a resumed loop skips the batches done and
 * continues exactly as an uninterrupted one.
 */
final class TrainingLoop {
    final TrainingData data;
    final TrainConfig config;
    final ResNetModel model;
    final int batchesPerEpoch;
    final int totalEpochs;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final long total;
    private final TrainingStep steps;
    private final AtomicBoolean stop;
    private final List<TrainingListener> listeners;
    private boolean resumed;

    private int epoch; // completed epochs
    private int batch; // batches done in epoch + 1
    private long iteration;
    private Double bestValError;
    private Integer bestEpoch;
    private Checkpoint.Partial partial = Checkpoint.Partial.empty();
    private List<EpochMetrics> metrics = new ArrayList<>();
    private double lastLr;
    // the running sums of the epoch in progress
    private double lossSum;
    private long errors;
    private long seen;
    private double trainSeconds;

    TrainingLoop(TrainingData data, ResNetModel model, Optimizer optimizer, LearningRateSchedule schedule, long total,
            AtomicBoolean stop, List<TrainingListener> listeners) {
        this.data = data;
        this.config = data.config();
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.batchesPerEpoch = data.batchesPerEpoch();
        this.total = total;
        this.totalEpochs = (int) ((total + batchesPerEpoch - 1) / batchesPerEpoch);
        this.stop = stop;
        this.listeners = List.copyOf(listeners);
        this.steps = new TrainingStep(model, optimizer, config.labelSmoothing());
        this.lastLr = schedule.lr(0);
    }

    /** Continues from a checkpoint: weights, optimizer and schedule state, counters and metrics. */
    void restore(Checkpoint c, String source) {
        resumed = true;
        Checkpoint.State s = c.state();
        model.importWeights(c.weights(), source);
        optimizer.restore(c.optimizer(), s.optimizerSteps());
        schedule.restore(s.plateau());
        epoch = s.epoch();
        batch = s.batch();
        iteration = s.iteration();
        bestValError = s.bestValError();
        bestEpoch = s.bestEpoch();
        partial = s.partial() == null ? Checkpoint.Partial.empty() : s.partial();
        metrics = new ArrayList<>(s.metrics() == null ? List.of() : s.metrics());
        // an epoch cut short by an iteration budget is completed now: its row is written again
        metrics.removeIf(m -> m.epoch() > epoch);
        if (batch >= batchesPerEpoch) {
            epoch++;
            batch = 0;
            partial = Checkpoint.Partial.empty();
        }
    }

    /** The checkpoint of the loop as it stands. */
    Checkpoint checkpoint(String reason) {
        Checkpoint.State s = new Checkpoint.State(Checkpoint.FORMAT, epoch, batch, iteration, optimizer.steps(),
                config.seed(), bestValError, bestEpoch, schedule.plateauState(), partial, List.copyOf(metrics), reason);
        return new Checkpoint(s, model.weights(), optimizer.state());
    }

    /** The last epoch's row, or null before the first epoch ends. */
    EpochMetrics lastMetrics() {
        return metrics.isEmpty() ? null : metrics.get(metrics.size() - 1);
    }

    /** The epoch in progress, from 1. */
    int currentEpoch() {
        return epoch + 1;
    }

    int completedEpochs() {
        return epoch;
    }

    /** Batches done of the epoch in progress. */
    int batchesDone() {
        return batch;
    }

    long iteration() {
        return iteration;
    }

    /** One row per epoch so far (read-only). */
    List<EpochMetrics> metrics() {
        return Collections.unmodifiableList(metrics);
    }

    Double bestValError() {
        return bestValError;
    }

    Integer bestEpoch() {
        return bestEpoch;
    }

    /** Whether this session continues a checkpoint ({@link #restore}). */
    boolean resumed() {
        return resumed;
    }

    double runningLoss() {
        return lossSum / seen;
    }

    double runningError() {
        return (double) errors / seen;
    }

    double imagesPerSec() {
        return seen / trainSeconds;
    }

    void requestStop() {
        stop.set(true);
    }

    boolean stopRequested() {
        return stop.get();
    }

    /** Trains until the budget is done or a stop is requested. */
    Trainer.Status run() {
        try {
            fire(l -> l.onStart(this));
            return epochs();
        } catch (RuntimeException | Error ex) {
            fire(l -> l.onAbort(this));
            throw ex;
        }
    }

    private Trainer.Status epochs() {
        long runStart = System.nanoTime();
        while (iteration < total) {
            int e = epoch + 1;
            lossSum = partial.lossSum();
            errors = partial.errors();
            seen = partial.seen();
            trainSeconds = partial.trainSeconds();
            double priorSeconds = partial.seconds();
            long epochStart = System.nanoTime();
            boolean interrupted = false;
            try (BatchLoader loader = new BatchLoader(data.train(), data.trainPipeline(), config.batchSize(), true, true,
                    config.seed(), e, model.manager(), config.workers())) {
                for (int skip = 0; skip < batch && loader.hasNext(); skip++) {
                    loader.next().close();
                }
                fire(l -> l.onEpochStart(this));
                while (loader.hasNext() && iteration < total) {
                    if (stop.get()) {
                        interrupted = true;
                        break;
                    }
                    long t0 = System.nanoTime();
                    double lr = schedule.lr(iteration);
                    Batch b = loader.next();
                    TrainingStep.Outcome o = steps.train(b.images(), b.labels(), lr);
                    trainSeconds += (System.nanoTime() - t0) / 1e9;
                    lossSum += o.loss() * o.size();
                    errors += o.wrong();
                    seen += o.size();
                    iteration++;
                    batch++;
                    lastLr = lr;
                    fire(l -> l.onStep(this, o, lr));
                }
                if (!interrupted && stop.get() && batch < batchesPerEpoch && iteration < total) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                partial = new Checkpoint.Partial(lossSum, errors, seen, trainSeconds,
                        priorSeconds + (System.nanoTime() - epochStart) / 1e9);
                fire(l -> l.onStop(this, true));
                return Trainer.Status.INTERRUPTED;
            }
            // end of an epoch (or of the iteration budget mid-epoch)
            double[] v = data.val() == null ? null : evaluate(data.val());
            double[] t = data.test() == null ? null : evaluate(data.test());
            double seconds = priorSeconds + (System.nanoTime() - epochStart) / 1e9;
            EpochMetrics m = new EpochMetrics(e, iteration, lastLr, lossSum / seen, (double) errors / seen,
                    v == null ? null : v[0], v == null ? null : v[1], t == null ? null : t[1], seen / trainSeconds, seconds);
            metrics.add(m);
            schedule.endEpoch(v != null ? v[0] : lossSum / seen);
            boolean complete = batch >= batchesPerEpoch;
            boolean best = v != null && (bestValError == null || v[1] < bestValError);
            if (best) {
                bestValError = v[1];
                bestEpoch = e;
            }
            partial = complete ? Checkpoint.Partial.empty() : new Checkpoint.Partial(lossSum, errors, seen, trainSeconds, seconds);
            if (complete) {
                epoch = e;
                batch = 0;
            }
            fire(l -> l.onEpochEnd(this, m, best));
            if (stop.get() && iteration < total) {
                fire(l -> l.onStop(this, false));
                return Trainer.Status.INTERRUPTED;
            }
            if (!complete) {
                break; // iteration budget reached mid-epoch
            }
        }
        double seconds = (System.nanoTime() - runStart) / 1e9;
        fire(l -> l.onFinish(this, seconds));
        return Trainer.Status.FINISHED;
    }

    /** {mean loss, error} on a whole split, in inference mode. */
    private double[] evaluate(Samples set) {
        double sum = 0;
        long wrong = 0;
        long n = 0;
        try (BatchLoader loader = new BatchLoader(set, data.evalPipeline(), Math.max(config.batchSize(), 256), false,
                false, config.seed(), 0, model.manager(), config.workers())) {
            while (loader.hasNext()) {
                Batch b = loader.next();
                TrainingStep.Outcome o = steps.evaluate(b.images(), b.labels());
                sum += o.loss() * o.size();
                wrong += o.wrong();
                n += o.size();
            }
        }
        return new double[] {sum / n, (double) wrong / n};
    }

    private void fire(Consumer<TrainingListener> event) {
        for (TrainingListener l : listeners) {
            event.accept(l);
        }
    }
}
