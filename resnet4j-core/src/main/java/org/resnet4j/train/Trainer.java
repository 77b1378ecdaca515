package org.resnet4j.train;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.dataset.LoadedDataset;
import org.resnet4j.model.Precision;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.util.AtomicFiles;
import org.resnet4j.util.Devices;
import org.resnet4j.util.Json;
import org.resnet4j.util.Versions;

/**
 * A training run and its run directory.
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
 * <p>The loop itself is {@link TrainingLoop}; progress, checkpoints, metrics files, divergence and the
 * final model are its {@link TrainingListener}s. This class owns the run directory and sets a run up.
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

    private Result run(TrainConfig cfg, LoadedDataset dataset, Checkpoint ckpt) {
        Devices.configure(cfg.threads());
        FineTuning parent = cfg.initFrom() == null ? null : FineTuning.forRun(cfg.initFrom(), runDir, ckpt != null);
        TrainingData data = TrainingData.prepare(cfg, dataset, parent);
        long total = data.config().totalIterations(data.batchesPerEpoch());
        TrainConfig c = data.config();
        LearningRateSchedule schedule = LearningRateSchedule.parse(c.schedule(), c.lr(), c.warmupLr(), c.warmupIters(),
                c.warmup(), total);
        data = data.withConfig(c.withSchedule(schedule.resolved()));

        if (ckpt != null && ckpt.state().iteration() >= total) {
            throw new UsageException("--resume " + runDir + ": the run already finished at epoch " + ckpt.state().epoch()
                    + " (iteration " + ckpt.state().iteration() + "); give a larger --epochs or --iterations to extend it");
        }
        if (ckpt != null) {
            return train(data, parent, ckpt, schedule, total); // resume() holds the lock
        }
        createRunDir(); // only now: every check of the settings against the data has passed
        try (RunLock lock = RunLock.acquire(runDir)) {
            if (isRun(runDir)) {
                throw new UsageException("--out " + runDir + ": another process started a run here meanwhile; "
                        + "continue it with --resume " + runDir + " or choose another --out");
            }
            return train(data, parent, null, schedule, total);
        }
    }

    private Result train(TrainingData data, FineTuning parent, Checkpoint ckpt, LearningRateSchedule schedule, long total) {
        TrainConfig config = data.config();
        JsonObject configJson = configJson(data);
        Json.write(runDir.resolve(CONFIG), configJson);

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
        try (ResNetModel model = ResNetModel.create(config.spec(), config.seed())) {
            model.setPrecision(Precision.parse(config.precision()).on(model.manager().getDevice(), this::warn));
            model.setClasses(data.dataset().classes());
            model.setNormalization(data.norm());
            model.setPreset(data.preset().name());
            if (parent != null && ckpt == null) {
                println(parent.initialize(model));
            }
            // the model's provenance (Tribuo-style): the resolved settings (read by eval), the data, the run, the parent
            model.provenance().add("config", configJson.get("settings"));
            model.provenance().add("dataset", configJson.get("dataset"));
            model.provenance().addProperty("run", runDir.toAbsolutePath().toString());
            if (parent != null) {
                model.provenance().add("parent", parent.provenance());
            }
            try (Optimizer optimizer = Optimizer.create(config.optimizer(), model.manager(),
                    ParameterGroups.of(model, config.freeze(), config.backboneLrScale()),
                    config.momentum(), config.weightDecay())) {
                // in this order: the guard ends a diverged step before anyone counts it; the epoch line and the
                // closed bar come before a checkpoint's "stopped" message; metrics.csv after the checkpoint, as before
                List<TrainingListener> listeners = new ArrayList<>(List.of(new DivergenceGuard(runDir),
                        new ProgressDisplay(runDir, out, quiet), new CheckpointWriter(runDir, err),
                        new MetricsFiles(runDir, config.model() + " on " + data.dataset().name(), err),
                        new RunSummary(runDir, out)));
                if (stopAtIteration > 0) {
                    long stopAt = stopAtIteration;
                    listeners.add(new TrainingListener() {
                        @Override
                        public void onStep(TrainingLoop loop, TrainingStep.Outcome step, double lr) {
                            if (loop.iteration() >= stopAt) {
                                loop.requestStop();
                            }
                        }
                    });
                }
                TrainingLoop loop = new TrainingLoop(data, model, optimizer, schedule, total, stop, listeners);
                if (ckpt != null) {
                    loop.restore(ckpt, runDir.resolve(LAST).toString());
                }
                Status status = loop.run();
                return new Result(status, loop.completedEpochs(), loop.iteration(), loop.lastMetrics(), runDir);
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

    /** config.json: the resolved settings, the data set, the versions: all a rerun needs. */
    private static JsonObject configJson(TrainingData data) {
        JsonObject o = new JsonObject();
        o.add("settings", data.config().toJson());
        o.add("dataset", data.json());
        o.add("versions", Json.GSON.toJsonTree(Versions.all()));
        o.addProperty("written", Instant.now().toString());
        return o;
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
