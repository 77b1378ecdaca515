package org.resnet4j.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on standard error when it is a terminal (and not --quiet); nothing otherwise. */
final class Progress implements AutoCloseable {
    private final String task;
    private final boolean enabled;
    private ProgressBar bar;

    Progress(String task, boolean quiet) {
        this.task = task;
        this.enabled = !quiet && System.console() != null;
    }

    /** {@code done} of {@code total} items. */
    void update(int done, int total) {
        if (!enabled) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(500).build();
        }
        bar.stepTo(done);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
