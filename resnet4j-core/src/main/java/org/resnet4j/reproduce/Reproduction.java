package org.resnet4j.reproduce;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.resnet4j.dataset.LoadedDataset;
import org.resnet4j.train.Curves;
import org.resnet4j.model.ModelSummary;
import org.resnet4j.train.EpochMetrics;
import org.resnet4j.train.MetricsLog;
import org.resnet4j.train.TrainConfig;
import org.resnet4j.train.Trainer;
import org.resnet4j.util.AtomicFiles;
import org.resnet4j.util.Json;
import org.resnet4j.util.Versions;

/**
 * Runs an {@link Experiment}'s training runs one after the other in {@code outDir/<run>}, skipping
 * finished ones and resuming an interrupted one, then writes the results table (results.md,
 * results.json) and the learning curves of all runs in one figure.
 */
public final class Reproduction {
    public static final String TABLE = "results.md";
    public static final String JSON = "results.json";

    /** One line of the results table; errors are fractions. */
    public record Row(String run, String model, long params, Double testError, double trainError, int epochs,
            double seconds, double imagesPerSec) {}

    private final Experiment experiment;
    private final Path outDir;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean quiet;

    public Reproduction(Experiment experiment, Path outDir, PrintWriter out, PrintWriter err, boolean quiet) {
        this.experiment = experiment;
        this.outDir = outDir;
        this.out = out;
        this.err = err;
        this.quiet = quiet;
    }

    /** Trains what is not trained yet; returns false when a run was interrupted (resume by running again). */
    public boolean run() {
        Map<String, LoadedDataset> loaded = new HashMap<>();
        for (Experiment.Run run : experiment.runs()) {
            Path dir = outDir.resolve(run.name());
            TrainConfig cfg = run.config();
            if (finished(dir, cfg)) {
                out.printf(Locale.ROOT, "%s: finished earlier, skipping%n", run.name());
                continue;
            }
            LoadedDataset data = loaded.computeIfAbsent(cfg.dataset() + "|" + cfg.data() + "|" + cfg.input(),
                    k -> Trainer.loadData(cfg));
            Trainer trainer = new Trainer(dir, out, err, quiet);
            out.printf(Locale.ROOT, "%s: %s%n", run.name(), Trainer.isRun(dir) ? "resuming" : "training");
            out.flush();
            Trainer.Result result = Trainer.isRun(dir) ? trainer.resume(sameBudget(Trainer.readConfig(dir), cfg), data)
                    : trainer.start(cfg, data);
            if (result.status() != Trainer.Status.FINISHED) {
                writeResults();
                return false;
            }
        }
        writeResults();
        return true;
    }

    /** The rows of the runs that have results so far. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Experiment.Run run : experiment.runs()) {
            Path summary = outDir.resolve(run.name()).resolve(Trainer.SUMMARY);
            if (!Files.exists(summary)) {
                continue;
            }
            JsonObject s = Json.read(summary, JsonObject.class);
            if (!"finished".equals(s.get("status").getAsString())) {
                continue;
            }
            rows.add(new Row(run.name(), run.config().model(), ModelSummary.of(run.config().spec()).params(),
                    s.has("test_error") ? s.get("test_error").getAsDouble() : null, s.get("train_error").getAsDouble(),
                    s.get("epochs").getAsInt(), s.get("seconds").getAsDouble(), s.get("images_per_sec").getAsDouble()));
        }
        return rows;
    }

    private void writeResults() {
        List<Row> rows = rows();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# %s, %s schedule%n%n", experiment.name(), experiment.schedule()));
        md.append("| model | params | test error | train error | epochs | wall time | images/s |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f%% | %d | %s | %.0f |%n", r.run(),
                    ModelSummary.human(r.params()), r.testError() == null ? "n/a" : String.format(Locale.ROOT, "%.2f%%",
                            100 * r.testError()), 100 * r.trainError(), r.epochs(), duration(r.seconds()), r.imagesPerSec()));
        }
        md.append(String.format(Locale.ROOT, "%nResNet4J %s, %d cores; command: `%s`%n",
                Versions.resnet4j(), java.lang.Runtime.getRuntime().availableProcessors(), experiment.command()));
        AtomicFiles.writeString(outDir.resolve(TABLE), md.toString());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("experiment", experiment.name());
        json.put("schedule", experiment.schedule());
        json.put("command", experiment.command());
        json.put("written", Instant.now().toString());
        json.put("versions", Versions.all());
        json.put("cores", java.lang.Runtime.getRuntime().availableProcessors());
        json.put("runs", rows);
        Json.write(outDir.resolve(JSON), json);
        Map<String, List<EpochMetrics>> curves = new LinkedHashMap<>();
        for (Experiment.Run run : experiment.runs()) {
            Path csv = outDir.resolve(run.name()).resolve(Trainer.METRICS);
            if (Files.exists(csv)) {
                curves.put(run.name(), MetricsLog.read(csv));
            }
        }
        if (!curves.isEmpty()) {
            String title = experiment.name() + " (" + experiment.schedule() + " schedule)";
            if (experiment.isFigure6()) {
                Curves.figure6(curves, outDir.resolve(figureName()), title);
            } else {
                Curves.plot(curves, outDir.resolve(figureName()), title);
            }
        }
        out.print(md);
        out.flush();
    }

    /** The figure's file: figure6.png for Figure 6, curves.png otherwise. */
    public String figureName() {
        return experiment.isFigure6() ? "figure6.png" : "curves.png";
    }

    /** Whether the run in {@code dir} has finished the budget {@code cfg} asks for. */
    static boolean finished(Path dir, TrainConfig cfg) {
        Path summary = dir.resolve(Trainer.SUMMARY);
        if (!Files.exists(summary)) {
            return false;
        }
        JsonObject s = Json.read(summary, JsonObject.class);
        if (!"finished".equals(s.get("status").getAsString())) {
            return false;
        }
        return cfg.epochs() != null ? s.get("epochs").getAsInt() >= cfg.epochs()
                : s.get("iterations").getAsLong() >= cfg.iterations();
    }

    /** The run's own settings with the experiment's budget (a larger --epochs extends a finished run). */
    private static TrainConfig sameBudget(TrainConfig saved, TrainConfig wanted) {
        return wanted.epochs() != null ? saved.withEpochs(wanted.epochs()) : saved.withIterations(wanted.iterations());
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
