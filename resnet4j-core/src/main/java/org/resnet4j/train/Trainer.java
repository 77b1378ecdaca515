package org.resnet4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.dataset.BatchLoader;
import org.resnet4j.dataset.LoadedDataset;
import org.resnet4j.dataset.Normalization;
import org.resnet4j.dataset.Pipeline;
import org.resnet4j.dataset.Preset;
import org.resnet4j.dataset.Samples;
import org.resnet4j.dataset.Splits;
import org.resnet4j.model.Precision;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNetSpec;
import org.resnet4j.util.AtomicFiles;
import org.resnet4j.util.Devices;
import org.resnet4j.util.Json;
import org.resnet4j.util.Versions;

/**
 * The training loop and its run directory.
 *
 * <pre>
 * runs/NAME/
 *   config.json          resolved settings, versions, dataset fingerprint: all a rerun needs
 *   metrics.csv          one row per epoch ({@link MetricsLog})
 *   checkpoints/last     weights, optimizer state, state.json (every epoch; on Ctrl-C mid-epoch)
 *   checkpoints/best     the epoch with the lowest validation error (only with a validation split)
 *   model/               the final model directory ({@link ResNetModel#load})
 *   curves.png           error and loss against iterations (paper Figure 6 style)
 *   summary.json         final errors, time, images/s
 *   train.lock           the id of the process training in it ({@link RunLock}); a second one is refused
 * </pre>
 *
 * <p>Determinism: the order and augmentation of epoch e depend only on (seed, epoch) and the
 * network has no other randomness, so resuming replays exactly what an uninterrupted run does.
 * A stop request (Ctrl-C, SIGTERM, {@link #requestStop()}) finishes the current step and writes
 * a mid-epoch checkpoint holding the number of batches done; resume skips those batches of the
 * same epoch order and continues with the saved running sums, giving the same weights as an
 * uninterrupted run. After {@code kill -9} the last end-of-epoch checkpoint is used, losing at
 * most the epoch in progress.
 */
public final class Trainer {
    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.csv";
    public static final String SUMMARY = "summary.json";
    public static final String CURVES = "curves.png";
    public static final String MODEL = "model";
    public static final String LAST = "checkpoints/last";
    public static final String BEST = "checkpoints/best";

    /** How a run ended. */
    public enum Status { FINISHED, INTERRUPTED }

    public record Result(Status status, int epoch, long iteration, EpochMetrics last, Path runDir) {}

    private final Path runDir;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean quiet;
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Tests: request a stop once this many iterations are done (0: never). */
    long stopAtIteration;

    private TrainConfig config;
    private Samples train;
    private Samples val;
    private Samples test;
    private Normalization norm;
    private Preset preset;
    private Pipeline trainPipeline;
    private Pipeline evalPipeline;
    private LoadedDataset dataset;
    /** The parent of a fine-tuning run (--init-from), or null. */
    private FineTuning parent;

    public Trainer(Path runDir, PrintWriter out, PrintWriter err, boolean quiet) {
        this.runDir = runDir;
        this.out = out;
        this.err = err;
        this.quiet = quiet;
    }

    /** Asks the loop to stop after the current step and write a checkpoint. */
    public void requestStop() {
        stop.set(true);
    }

    /** Whether {@code dir} looks like a run directory. */
    public static boolean isRun(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG)) && Checkpoint.exists(dir.resolve(LAST));
    }

    /** Reads a run's settings from its config.json. */
    public static TrainConfig readConfig(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            throw new ResNet4jException("--resume " + runDir + ": no such directory");
        }
        if (!isRun(runDir)) {
            throw new ResNet4jException("--resume " + runDir + ": not a ResNet4J run directory (no " + CONFIG + " and "
                    + LAST + ")");
        }
        JsonObject o = Json.read(runDir.resolve(CONFIG), JsonObject.class);
        if (!o.has("settings") || !o.get("settings").isJsonObject()) {
            throw new ResNet4jException(runDir.resolve(CONFIG) + ": no settings in it");
        }
        return TrainConfig.fromJson(TrainConfig.canonical(o.getAsJsonObject("settings"), runDir.resolve(CONFIG).toString()));
    }

    /** Loads the data set a configuration names, as its preset reads it ({@link RunInput}). */
    public static LoadedDataset loadData(TrainConfig cfg) {
        return RunInput.load(cfg);
    }

    /** Starts a new run in an empty or absent directory. */
    public Result start(TrainConfig cfg, LoadedDataset data) {
        return start(cfg, data, false);
    }

    /**
     * Starts a new run in an empty or absent directory; with {@code force}, also in a directory holding
     * other files, which stay as they are (only files named as the run's own are replaced).
     */
    public Result start(TrainConfig cfg, LoadedDataset data, boolean force) {
        checkOut(runDir, force);
        return run(cfg, data, null);
    }

    /** Continues the run in the directory from its last checkpoint, with {@code cfg} (its settings, maybe a larger budget). */
    public Result resume(TrainConfig cfg, LoadedDataset data) {
        try (RunLock lock = RunLock.acquire(runDir)) {
            return run(cfg, data, Checkpoint.load(runDir.resolve(LAST)));
        }
    }

    /**
     * Refuses a directory a new run cannot go to: a file, a ResNet4J run, or (without {@code force})
     * a directory holding anything else, which is the user's. Creates nothing.
     */
    public static void checkOut(Path dir, boolean force) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException("--out " + dir + ": exists and is not a directory");
        }
        AtomicFiles.requireWritableDirectory(dir, "--out");
        if (isRun(dir)) {
            throw new UsageException("--out " + dir + ": already holds a run; continue it with --resume " + dir
                    + " or choose another --out");
        }
        if (!force && Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new UsageException("--out " + dir + ": not empty and not a ResNet4J run; choose another --out, "
                            + "or add --force to train beside its files (files named as the run's are replaced, no other is touched)");
                }
            } catch (IOException e) {
                throw new ResNet4jException("--out " + dir + ": cannot list it (" + AtomicFiles.describe(e) + ")");
            }
        }
    }

    private void createRunDir() {
        try {
            Files.createDirectories(runDir);
            Path probe = Files.createTempFile(runDir, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException | UnsupportedOperationException e) {
            throw new ResNet4jException("--out " + runDir + ": cannot write the run directory ("
                    + AtomicFiles.describe(e) + ")");
        }
    }

    private void prepareData(TrainConfig cfg, LoadedDataset data) {
        this.dataset = data;
        if (data.train() == null) {
            throw new ResNet4jException("--dataset " + cfg.dataset() + ": " + data.source() + " has no training split");
        }
        Samples pool = data.train();
        if (cfg.limitTrain() > 0 && cfg.limitTrain() < pool.size()) {
            pool = Splits.stratifiedSubset(pool, cfg.limitTrain(), cfg.seed());
        }
        int valCount = cfg.valSplit() != null ? cfg.valSplit() : Splits.defaultValCount(pool.size());
        if (valCount >= pool.size()) {
            throw new UsageException("--val-split: " + valCount + " leaves no training images (the training set has "
                    + pool.size() + ")");
        }
        org.resnet4j.dataset.Split<Samples> split = Splits.holdOut(pool, valCount, cfg.seed());
        train = split.train();
        val = split.val();
        test = data.test();
        if (test != null && cfg.limitTest() > 0 && cfg.limitTest() < test.size()) {
            test = Splits.stratifiedSubset(test, cfg.limitTest(), cfg.seed());
        }
        int[] in = RunInput.shape(cfg, train);
        String shape = in[0] + "x" + in[1] + "x" + in[2];
        int k = cfg.classes() != null ? cfg.classes() : data.classes().size();
        if (k != data.classes().size()) {
            throw new UsageException("--classes " + k + ": " + data.source() + " has " + data.classes().size() + " classes");
        }
        if (train.size() < cfg.batchSize()) {
            throw new UsageException("--batch-size " + cfg.batchSize() + ": larger than the training set ("
                    + train.size() + " images)");
        }
        this.config = cfg.withValSplit(valCount).withInputAndClasses(shape, k);
        this.preset = Preset.named(cfg.preset());
        this.norm = FineTuning.normalization(cfg.normalization(), preset, train, in, cfg.seed(), parent);
        this.trainPipeline = preset.train(in[0], in[1], in[2], norm, new Preset.Options(cfg.pad(), cfg.flip(), cfg.erase()));
        this.evalPipeline = preset.eval(in[0], in[1], in[2], norm);
    }

    private Result run(TrainConfig cfg, LoadedDataset data, Checkpoint ckpt) {
        Devices.configure(cfg.threads());
        parent = cfg.initFrom() == null ? null : FineTuning.forRun(cfg.initFrom(), runDir, ckpt != null);
        prepareData(cfg, data);
        int batchesPerEpoch = train.size() / config.batchSize();
        long total = config.totalIterations(batchesPerEpoch);
        LearningRateSchedule schedule = LearningRateSchedule.parse(config.schedule(), config.lr(), config.warmupLr(),
                config.warmupIters(), config.warmup(), total);
        config = config.withSchedule(schedule.resolved());
        int totalEpochs = (int) ((total + batchesPerEpoch - 1) / batchesPerEpoch);

        if (ckpt != null && ckpt.state().iteration() >= total) {
            throw new UsageException("--resume " + runDir + ": the run already finished at epoch " + ckpt.state().epoch()
                    + " (iteration " + ckpt.state().iteration() + "); give a larger --epochs or --iterations to extend it");
        }
        if (ckpt != null) {
            return train(ckpt, schedule, batchesPerEpoch, total, totalEpochs); // resume() holds the lock
        }
        createRunDir(); // only now: every check of the settings against the data has passed
        try (RunLock lock = RunLock.acquire(runDir)) {
            if (isRun(runDir)) {
                throw new UsageException("--out " + runDir + ": another process started a run here meanwhile; "
                        + "continue it with --resume " + runDir + " or choose another --out");
            }
            return train(null, schedule, batchesPerEpoch, total, totalEpochs);
        }
    }

    private Result train(Checkpoint ckpt, LearningRateSchedule schedule, int batchesPerEpoch, long total, int totalEpochs) {
        writeConfig();

        ResNetSpec spec = config.spec();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                done.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "resnet4j-train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (ResNetModel model = ResNetModel.create(spec, config.seed())) {
            model.setPrecision(Precision.parse(config.precision()).on(model.manager().getDevice(), this::warn));
            model.setClasses(dataset.classes());
            model.setNormalization(norm);
            model.setPreset(preset.name());
            if (parent != null && ckpt == null) {
                println(parent.initialize(model));
            }
            recordProvenance(model);
            NDManager manager = model.manager();
            try (Optimizer optimizer = Optimizer.create(config.optimizer(), manager,
                    ParameterGroups.of(model, config.freeze(), config.backboneLrScale()),
                    config.momentum(), config.weightDecay())) {
                Loop loop = new Loop(model, optimizer, schedule, batchesPerEpoch, total, totalEpochs);
                if (ckpt != null) {
                    loop.restore(ckpt);
                } else {
                    loop.checkpoint(LAST, 0, 0, Checkpoint.Partial.empty(), "start");
                }
                return loop.run();
            }
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting; the hook has seen the latch
            }
        }
    }

    private JsonObject configJson() {
        JsonObject o = new JsonObject();
        o.add("settings", config.toJson());
        JsonObject d = new JsonObject();
        d.addProperty("name", dataset.name());
        d.addProperty("source", dataset.source());
        d.addProperty("fingerprint", dataset.fingerprint());
        d.add("classes", Json.GSON.toJsonTree(dataset.classes()));
        d.addProperty("train_images", train.size());
        d.addProperty("val_images", val == null ? 0 : val.size());
        d.addProperty("test_images", test == null ? 0 : test.size());
        o.add("dataset", d);
        o.add("versions", Json.GSON.toJsonTree(Versions.all()));
        o.addProperty("written", Instant.now().toString());
        return o;
    }

    /** The model's provenance: {@code config} (the resolved settings, read by eval), {@code dataset}, {@code run}. */
    private void recordProvenance(ResNetModel model) {
        JsonObject c = configJson();
        model.provenance().add("config", c.get("settings"));
        model.provenance().add("dataset", c.get("dataset"));
        model.provenance().addProperty("run", runDir.toAbsolutePath().toString());
        if (parent != null) {
            model.provenance().add("parent", parent.provenance());
        }
    }

    private void writeConfig() {
        Json.write(runDir.resolve(CONFIG), configJson());
    }

    /** Mutable state of one training session. */
    private final class Loop {
        final ResNetModel model;
        final Optimizer optimizer;
        final LearningRateSchedule schedule;
        final int batchesPerEpoch;
        final long total;
        final int totalEpochs;
        final TrainingStep steps;
        final NDManager manager;
        int epoch; // completed epochs
        int batch; // batches done in epoch + 1
        long iteration;
        Double bestValError;
        Integer bestEpoch;
        Checkpoint.Partial partial = Checkpoint.Partial.empty();
        List<EpochMetrics> metrics = new ArrayList<>();
        double lastLr;

        Loop(ResNetModel model, Optimizer optimizer, LearningRateSchedule schedule, int batchesPerEpoch, long total,
                int totalEpochs) {
            this.model = model;
            this.optimizer = optimizer;
            this.schedule = schedule;
            this.batchesPerEpoch = batchesPerEpoch;
            this.total = total;
            this.totalEpochs = totalEpochs;
            this.manager = model.manager();
            this.steps = new TrainingStep(model, optimizer, config.labelSmoothing());
            this.lastLr = schedule.lr(0);
        }

        void restore(Checkpoint c) {
            Checkpoint.State s = c.state();
            model.importWeights(c.weights(), runDir.resolve(LAST).toString());
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
            println(String.format(Locale.ROOT, "resuming %s at epoch %d, iteration %d%s", runDir, epoch + 1, iteration,
                    batch > 0 ? " (batch " + batch + " of " + batchesPerEpoch + ")" : ""));
        }

        void checkpoint(String which, int completed, int batchInEpoch, Checkpoint.Partial p, String reason) {
            Checkpoint.State s = new Checkpoint.State(Checkpoint.FORMAT, completed, batchInEpoch, iteration,
                    optimizer.steps(), config.seed(), bestValError, bestEpoch, schedule.plateauState(), p,
                    List.copyOf(metrics), reason);
            new Checkpoint(s, model.weights(), optimizer.state()).save(runDir.resolve(which));
        }

        Result run() {
            long runStart = System.nanoTime();
            while (iteration < total) {
                int e = epoch + 1;
                Progress progress = new Progress(e, totalEpochs, (int) Math.min(batchesPerEpoch, total - iteration + batch));
                double lossSum = partial.lossSum();
                long errors = partial.errors();
                long seen = partial.seen();
                double trainSeconds = partial.trainSeconds();
                double priorSeconds = partial.seconds();
                long epochStart = System.nanoTime();
                boolean interrupted = false;
                try (BatchLoader loader = new BatchLoader(train, trainPipeline, config.batchSize(), true, true,
                        config.seed(), e, manager, config.workers())) {
                    for (int skip = 0; skip < batch && loader.hasNext(); skip++) {
                        loader.next().close();
                    }
                    progress.start(batch);
                    while (loader.hasNext() && iteration < total) {
                        if (stop.get()) {
                            interrupted = true;
                            break;
                        }
                        long t0 = System.nanoTime();
                        double lr = schedule.lr(iteration);
                        float[] step = step(loader.next(), lr, e);
                        trainSeconds += (System.nanoTime() - t0) / 1e9;
                        lossSum += step[0] * step[2];
                        errors += (long) step[1];
                        seen += (long) step[2];
                        iteration++;
                        batch++;
                        lastLr = lr;
                        progress.step(batch, lossSum / seen, (double) errors / seen, lr, seen / trainSeconds);
                        if (stopAtIteration > 0 && iteration >= stopAtIteration) {
                            stop.set(true);
                        }
                    }
                    if (!interrupted && stop.get() && batch < batchesPerEpoch && iteration < total) {
                        interrupted = true;
                    }
                } catch (RuntimeException ex) {
                    progress.close();
                    throw ex;
                }
                double seconds = priorSeconds + (System.nanoTime() - epochStart) / 1e9;
                if (interrupted) {
                    progress.close();
                    Checkpoint.Partial p = new Checkpoint.Partial(lossSum, errors, seen, trainSeconds, seconds);
                    checkpoint(LAST, epoch, batch, p, "interrupted");
                    err.println(String.format(Locale.ROOT,
                            "resnet4j: stopped at epoch %d, iteration %d (batch %d of %d); checkpoint written to %s. "
                                    + "Resume with: ./resnet4j train --resume %s",
                            e, iteration, batch, batchesPerEpoch, runDir.resolve(LAST), runDir));
                    err.flush();
                    return new Result(Status.INTERRUPTED, epoch, iteration, metrics.isEmpty() ? null : metrics.get(metrics.size() - 1),
                            runDir);
                }
                // end of an epoch (or of the iteration budget mid-epoch)
                double[] v = val == null ? null : evaluate(val);
                double[] t = test == null ? null : evaluate(test);
                seconds = priorSeconds + (System.nanoTime() - epochStart) / 1e9;
                EpochMetrics m = new EpochMetrics(e, iteration, lastLr, lossSum / seen, (double) errors / seen,
                        v == null ? null : v[0], v == null ? null : v[1], t == null ? null : t[1], seen / trainSeconds, seconds);
                metrics.add(m);
                progress.finish(m);
                schedule.endEpoch(v != null ? v[0] : lossSum / seen);
                boolean complete = batch >= batchesPerEpoch;
                boolean best = v != null && (bestValError == null || v[1] < bestValError);
                if (best) {
                    bestValError = v[1];
                    bestEpoch = e;
                }
                Checkpoint.Partial p = complete ? Checkpoint.Partial.empty()
                        : new Checkpoint.Partial(lossSum, errors, seen, trainSeconds, seconds);
                int completedEpochs = complete ? e : epoch;
                int batchDone = complete ? 0 : batch;
                checkpoint(LAST, completedEpochs, batchDone, p, "epoch");
                if (best) {
                    checkpoint(BEST, completedEpochs, batchDone, p, "best validation error");
                }
                MetricsLog.write(runDir.resolve(METRICS), metrics);
                if (!stop.get()) { // a signal means the JVM is shutting down: AWT cannot start; resume draws them
                    plotCurves();
                }
                epoch = completedEpochs;
                batch = batchDone;
                partial = p;
                if (stop.get() && iteration < total) {
                    err.println(String.format(Locale.ROOT,
                            "resnet4j: stopped after epoch %d, iteration %d; checkpoint written to %s. "
                                    + "Resume with: ./resnet4j train --resume %s", e, iteration, runDir.resolve(LAST), runDir));
                    err.flush();
                    return new Result(Status.INTERRUPTED, epoch, iteration, m, runDir);
                }
                if (!complete) {
                    break; // iteration budget reached mid-epoch
                }
            }
            finish((System.nanoTime() - runStart) / 1e9);
            return new Result(Status.FINISHED, epoch, iteration, metrics.get(metrics.size() - 1), runDir);
        }

        /** One SGD step: returns {mean loss, wrong predictions, batch size}. */
        float[] step(org.resnet4j.dataset.Batch b, double lr, int e) {
            TrainingStep.Outcome o = steps.train(b.images(), b.labels(), lr);
            if (!Float.isFinite(o.loss())) {
                diverged(o.loss(), lr, e);
            }
            return new float[] {o.loss(), o.wrong(), o.size()};
        }

        void diverged(float loss, double lr, int e) {
            Checkpoint.State s = Checkpoint.load(runDir.resolve(LAST)).state();
            JsonObject summary = new JsonObject();
            summary.addProperty("status", "diverged");
            summary.addProperty("epoch", e);
            summary.addProperty("iteration", iteration + 1);
            summary.addProperty("lr", lr);
            summary.addProperty("last_good_checkpoint", runDir.resolve(LAST).toString());
            Json.write(runDir.resolve(SUMMARY), summary);
            throw new ResNet4jException(String.format(Locale.ROOT,
                    "training diverged: the loss is %s at epoch %d, iteration %d (lr %g); the last good checkpoint "
                            + "(epoch %d, iteration %d) is kept in %s: lower --lr or add a warm-up "
                            + "(--warmup-lr 0.01 --warmup-iters 400)",
                    Float.isNaN(loss) ? "NaN" : "infinite", e, iteration + 1, lr, s.epoch(), s.iteration(),
                    runDir.resolve(LAST)));
        }

        /** {mean loss, error} on a whole split, in inference mode. */
        double[] evaluate(Samples set) {
            double lossSum = 0;
            long wrong = 0;
            long n = 0;
            try (BatchLoader loader = new BatchLoader(set, evalPipeline, Math.max(config.batchSize(), 256), false,
                    false, config.seed(), 0, manager, config.workers())) {
                while (loader.hasNext()) {
                    org.resnet4j.dataset.Batch b = loader.next();
                    TrainingStep.Outcome o = steps.evaluate(b.images(), b.labels());
                    lossSum += o.loss() * o.size();
                    wrong += o.wrong();
                    n += o.size();
                }
            }
            return new double[] {lossSum / n, (double) wrong / n};
        }

        void finish(double seconds) {
            EpochMetrics last = metrics.get(metrics.size() - 1);
            recordProvenance(model);
            JsonObject result = new JsonObject();
            result.addProperty("epochs", last.epoch());
            result.addProperty("iterations", iteration);
            result.addProperty("train_error", last.trainError());
            if (last.valError() != null) {
                result.addProperty("val_error", last.valError());
            }
            if (last.testError() != null) {
                result.addProperty("test_error", last.testError());
            }
            model.provenance().add("result", result);
            model.save(runDir.resolve(MODEL));

            JsonObject s = new JsonObject();
            s.addProperty("status", "finished");
            s.addProperty("model", config.model());
            s.addProperty("dataset", dataset.name());
            s.addProperty("epochs", last.epoch());
            s.addProperty("iterations", iteration);
            s.addProperty("train_loss", last.trainLoss());
            s.addProperty("train_error", last.trainError());
            if (last.valError() != null) {
                s.addProperty("val_loss", last.valLoss());
                s.addProperty("val_error", last.valError());
                s.addProperty("best_val_error", bestValError);
                s.addProperty("best_epoch", bestEpoch);
            }
            if (last.testError() != null) {
                s.addProperty("test_error", last.testError());
            }
            double totalSeconds = metrics.stream().mapToDouble(EpochMetrics::seconds).sum();
            double imagesPerSec = metrics.stream().mapToDouble(EpochMetrics::imagesPerSec).average().orElse(0);
            s.addProperty("seconds", Math.round(totalSeconds * 10) / 10.0);
            s.addProperty("seconds_this_session", Math.round(seconds * 10) / 10.0);
            s.addProperty("images_per_sec", Math.round(imagesPerSec * 10) / 10.0);
            s.addProperty("threads", config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors());
            s.addProperty("model_dir", runDir.resolve(MODEL).toString());
            Json.write(runDir.resolve(SUMMARY), s);
            println(String.format(Locale.ROOT, "done: %d epoch%s, %d iteration%s, %.1fs; train error %.4f%s%s; model in %s",
                    last.epoch(), last.epoch() == 1 ? "" : "s", iteration, iteration == 1 ? "" : "s", totalSeconds,
                    last.trainError(),
                    last.valError() == null ? "" : String.format(Locale.ROOT, ", val error %.4f", last.valError()),
                    last.testError() == null ? "" : String.format(Locale.ROOT, ", test error %.4f", last.testError()),
                    runDir.resolve(MODEL)));
        }

        void plotCurves() {
            try {
                TrainingCurves.plot(Map.of(config.model(), List.copyOf(metrics)), runDir.resolve(CURVES),
                        config.model() + " on " + dataset.name());
            } catch (ResNet4jException ex) {
                throw ex;
            } catch (RuntimeException | LinkageError ex) {
                err.println("resnet4j: warning: could not draw " + runDir.resolve(CURVES) + ": "
                        + (ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName()));
            }
        }

        /** The per-epoch display: a progress bar on a terminal, else one line per epoch. */
        private final class Progress {
            final int e;
            final int totalEpochs;
            final int batches;
            me.tongfei.progressbar.ProgressBar bar;

            Progress(int e, int totalEpochs, int batches) {
                this.e = e;
                this.totalEpochs = totalEpochs;
                this.batches = batches;
            }

            void start(int done) {
                if (!quiet && System.console() != null) {
                    bar = new me.tongfei.progressbar.ProgressBarBuilder()
                            .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", e, totalEpochs))
                            .setInitialMax(batchesPerEpoch)
                            .setRenderer(new ProgressLine())
                            .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                            .setUpdateIntervalMillis(500)
                            .continuousUpdate()
                            .build();
                    bar.stepTo(done);
                }
            }

            void step(int done, double loss, double error, double lr, double imagesPerSec) {
                if (bar != null) {
                    bar.stepTo(done);
                    bar.setExtraMessage(String.format(Locale.ROOT, "loss %.3f err %.3f lr %.3g %.0f img/s", loss, error, lr,
                            imagesPerSec));
                }
            }

            void finish(EpochMetrics m) {
                close();
                println(line(m, totalEpochs));
            }

            void close() {
                if (bar != null) {
                    bar.close();
                    bar = null;
                }
            }
        }
    }

    /** The one-line epoch report. */
    static String line(EpochMetrics m, int totalEpochs) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d  it %d  lr %.4f  loss %.3f  err %.3f",
                m.epoch(), totalEpochs, m.iteration(), m.lr(), m.trainLoss(), m.trainError()));
        if (m.valError() != null) {
            s.append(String.format(Locale.ROOT, "  val_loss %.3f  val_err %.3f", m.valLoss(), m.valError()));
        }
        if (m.testError() != null) {
            s.append(String.format(Locale.ROOT, "  test_err %.3f", m.testError()));
        }
        s.append(String.format(Locale.ROOT, "  %.0f img/s  %.1fs", m.imagesPerSec(), m.seconds()));
        return s.toString();
    }

    private void println(String s) {
        out.println(s);
        out.flush();
    }

    private void warn(String s) {
        err.println(s);
        err.flush();
    }
}
