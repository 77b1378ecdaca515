package org.resnet4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.resnet4j.reproduce.Experiment;
import org.resnet4j.reproduce.Reproduction;
import org.resnet4j.util.Devices;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code resnet4j reproduce}: the paper's experiments, one command each. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Reproduce an experiment of the paper: a sequence of training runs, then a results table "
                + "(results.md, results.json) and the learning curves in one figure. Run the same command again to "
                + "resume after an interruption: finished runs are skipped, an interrupted one continues.",
            "Experiments: cifar10-table6 (CIFAR ResNets, default depths 20,32,44,56,110), cifar10-figure6 (plain and "
                + "residual nets, default depths 20,56), fashion-mnist (ResNet-20 on 1x28x28 images)."})
public final class ReproduceCommand implements Callable<Integer> {
    @Parameters(paramLabel = "EXPERIMENT", description = "cifar10-table6, cifar10-figure6 or fashion-mnist.")
    String experiment;

    @Option(names = "--schedule", defaultValue = "budget",
            description = "paper (64k iterations, LR steps at 32k and 48k) or budget (cosine, Nesterov, 80 epochs with "
                    + "label smoothing and random erasing for Table 6, erasing only for 60 epochs or more; 25 for "
                    + "Fashion-MNIST) (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--depths", split = ",", paramLabel = "D,D,...", description = "Network depths (6n+2).")
    List<Integer> depths;

    @Option(names = "--runs", defaultValue = "1", description = "Runs per network, seeds 42, 43, ... (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--epochs", description = "Budget schedule: epochs per run (default " + Experiment.BUDGET_EPOCHS + "; " + Experiment.FASHION_BUDGET_EPOCHS + " for Fashion-MNIST).")
    Integer epochs;

    @Option(names = "--data", paramLabel = "PATH", description = "The data set: CIFAR-10 files, or the CIFAR-10 JPEG zip/folder.")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "Where runs and results go (default: runs/reproduce/EXPERIMENT-SCHEDULE).")
    Path out;

    @Option(names = "--threads", defaultValue = "0", description = "Compute threads (default: all cores).")
    int threads;

    @Option(names = "--quiet", description = "One line per epoch instead of a progress bar.")
    boolean quiet;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Devices.configure(threads);
        Experiment e = Experiment.of(experiment, schedule, depths, runs, epochs, data);
        Path dir = out != null ? out : Path.of("runs", "reproduce", experiment + "-" + schedule);
        Reproduction r = new Reproduction(e, dir, spec.commandLine().getOut(), spec.commandLine().getErr(), quiet);
        if (!r.run()) {
            spec.commandLine().getErr().printf("resnet4j: interrupted; run the same command again to resume%n");
            return 130;
        }
        return 0;
    }
}
