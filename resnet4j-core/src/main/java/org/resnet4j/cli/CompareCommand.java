package org.resnet4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.resnet4j.train.Curves;
import org.resnet4j.train.EpochMetrics;
import org.resnet4j.train.MetricsLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code resnet4j compare}: several runs' error curves in one figure and their final errors in a table. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Overlay the error curves of several training runs (like the paper's Figure 6: plain-20/56 "
                + "against resnet20/56) and print a table of their final and best errors.",
            "Each RUN is a run directory holding metrics.csv (or the metrics.csv itself); it is labelled by its "
                    + "directory name."})
public final class CompareCommand implements Runnable {
    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run directories.")
    List<Path> runs;

    @Option(names = "--out", paramLabel = "PNG", description = "Write the figure here (error and loss against iterations).")
    Path out;

    @Option(names = "--title", paramLabel = "TEXT", description = "Figure title (default: none).")
    String title;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public void run() {
        Map<String, List<EpochMetrics>> metrics = new LinkedHashMap<>();
        for (Path run : runs) {
            Path csv = Files.isDirectory(run) ? run.resolve("metrics.csv") : run;
            metrics.put(label(run, metrics), MetricsLog.read(csv));
        }
        PrintWriter o = commandSpec.commandLine().getOut();
        o.print(table(metrics));
        if (out != null) {
            Curves.plot(metrics, out, title);
            o.println("wrote " + out);
        }
        o.flush();
    }

    /** The run's directory name, made unique with its parent's name if needed. */
    static String label(Path run, Map<String, ?> taken) {
        Path abs = run.toAbsolutePath().normalize();
        Path dir = Files.isDirectory(run) || abs.getParent() == null ? abs : abs.getParent();
        String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        if (taken.containsKey(name) && dir.getParent() != null && dir.getParent().getFileName() != null) {
            name = dir.getParent().getFileName() + "/" + name;
        }
        String unique = name;
        for (int i = 2; taken.containsKey(unique); i++) {
            unique = name + " (" + i + ")";
        }
        return unique;
    }

    /** One line per run: epochs, iterations, final train/val/test error and best val/test error, in percent. */
    static String table(Map<String, List<EpochMetrics>> metrics) {
        int w = "run".length();
        for (String k : metrics.keySet()) {
            w = Math.max(w, k.length());
        }
        StringBuilder s = new StringBuilder();
        String head = "%-" + w + "s %6s %10s %11s %9s %10s %8s %9s%n";
        s.append(String.format(Locale.ROOT, head, "run", "epochs", "iterations", "train err%", "val err%", "test err%",
                "best val", "best test"));
        for (Map.Entry<String, List<EpochMetrics>> e : metrics.entrySet()) {
            List<EpochMetrics> rows = e.getValue();
            EpochMetrics last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
            s.append(String.format(Locale.ROOT, head, e.getKey(),
                    last == null ? "0" : Integer.toString(last.epoch()),
                    last == null ? "0" : Long.toString(last.iteration()),
                    pct(last == null ? null : last.trainError()),
                    pct(last == null ? null : last.valError()),
                    pct(last == null ? null : last.testError()),
                    pct(best(rows, EpochMetrics::valError)),
                    pct(best(rows, EpochMetrics::testError))));
        }
        return s.toString();
    }

    private static Double best(List<EpochMetrics> rows, Function<EpochMetrics, Double> f) {
        return rows.stream().map(f).filter(v -> v != null).min(Double::compare).orElse(null);
    }

    private static String pct(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f", 100 * v);
    }
}
