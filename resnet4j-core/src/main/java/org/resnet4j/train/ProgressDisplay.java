package org.resnet4j.train;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** Progress: where a resumed run continues, a bar for the epoch in progress on a terminal (not with {@code --quiet}), and one line per epoch. */
final class ProgressDisplay implements TrainingListener {
    private final Path runDir;
    private final PrintWriter out;
    private final boolean bars;
    private ProgressBar bar;

    ProgressDisplay(Path runDir, PrintWriter out, boolean quiet) {
        this.runDir = runDir;
        this.out = out;
        this.bars = !quiet && System.console() != null;
    }

    @Override
    public void onStart(TrainingLoop loop) {
        if (loop.resumed()) {
            out.println(String.format(Locale.ROOT, "resuming %s at epoch %d, iteration %d%s", runDir, loop.currentEpoch(),
                    loop.iteration(), loop.batchesDone() > 0
                            ? " (batch " + loop.batchesDone() + " of " + loop.batchesPerEpoch + ")" : ""));
            out.flush();
        }
    }

    @Override
    public void onEpochStart(TrainingLoop loop) {
        if (bars) {
            bar = new ProgressBarBuilder()
                    .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", loop.currentEpoch(), loop.totalEpochs))
                    .setInitialMax(loop.batchesPerEpoch)
                    .setRenderer(new ProgressLine())
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .setUpdateIntervalMillis(500)
                    .continuousUpdate()
                    .build();
            bar.stepTo(loop.batchesDone());
        }
    }

    @Override
    public void onStep(TrainingLoop loop, TrainingStep.Outcome step, double lr) {
        if (bar != null) {
            bar.stepTo(loop.batchesDone());
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.3f err %.3f lr %.3g %.0f img/s", loop.runningLoss(),
                    loop.runningError(), lr, loop.imagesPerSec()));
        }
    }

    @Override
    public void onEpochEnd(TrainingLoop loop, EpochMetrics m, boolean bestValidation) {
        close();
        out.println(line(m, loop.totalEpochs));
        out.flush();
    }

    @Override
    public void onStop(TrainingLoop loop, boolean midEpoch) {
        close();
    }

    @Override
    public void onAbort(TrainingLoop loop) {
        close();
    }

    private void close() {
        if (bar != null) {
            bar.close();
            bar = null;
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
}
