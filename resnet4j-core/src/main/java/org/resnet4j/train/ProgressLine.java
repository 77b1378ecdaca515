package org.resnet4j.train;

import java.time.Duration;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;

/**
 * The training progress bar, fitted to the terminal's width: the task, a bar, the batches and the
 * numbers with their units ({@code epoch 3/64 [=====>    ] 120/352 loss 2.303 err 0.901 lr 0.1 1234 img/s ETA 0:42}).
 * Where the width is short the time left goes first, then the bar shrinks; the numbers stay.
 */
final class ProgressLine implements ProgressBarRenderer {
    private static final int MIN_BAR = 10;

    @Override
    public String render(ProgressState s, int width) {
        long done = s.getCurrent() - s.getStart();
        Duration elapsed = s.getElapsedAfterStart();
        Duration left = done <= 0 ? null : elapsed.multipliedBy(Math.max(0, s.getMax() - s.getCurrent())).dividedBy(done);
        return line(s.getTaskName(), s.getCurrent(), s.getMax(), s.getExtraMessage(), left, width);
    }

    /** The line for {@code done} of {@code max} batches in at most {@code width - 1} columns (the last one wraps). */
    static String line(String task, long done, long max, String numbers, Duration left, int width) {
        int room = width - 1;
        String ratio = done + "/" + max;
        String eta = left == null ? "" : String.format(" ETA %d:%02d", left.toMinutes(), left.toSecondsPart());
        for (String tail : new String[] {eta, ""}) {
            String rest = " " + ratio + (numbers.isEmpty() ? "" : " " + numbers) + tail;
            int bar = room - task.length() - 3 - rest.length();
            if (bar >= MIN_BAR) {
                return task + " [" + bar(done, max, bar) + "]" + rest;
            }
        }
        String plain = task + " " + ratio + (numbers.isEmpty() ? "" : " " + numbers);
        return plain.length() <= room ? plain : plain.substring(0, Math.max(0, room));
    }

    private static String bar(long done, long max, int width) {
        int filled = max <= 0 ? 0 : (int) Math.min(width, done * width / max);
        StringBuilder b = new StringBuilder(width);
        b.append("=".repeat(filled));
        if (filled < width) {
            b.append(filled > 0 ? ">" : " ");
            b.append(" ".repeat(width - filled - 1));
        }
        return b.toString();
    }
}
