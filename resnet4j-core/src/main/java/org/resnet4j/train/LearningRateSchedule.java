package org.resnet4j.train;

import java.util.Arrays;
import java.util.Locale;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;

/**
 * The learning rate of every step: a pure function of the iteration (steps already taken) plus,
 * for {@code plateau}, a small state that is updated once per epoch and saved in checkpoints.
 *
 * <ul>
 *   <li>{@code multistep:I1,I2,...}: lr, divided by 10 at each listed iteration (paper: 32000,48000
 *       of 64000). Plain {@code multistep} is the paper's 32000,48000, whatever the budget, so that a
 *       run extended with {@code --resume} follows the same schedule as one trained in one go.
 *   <li>{@code cosine}: lr * (1 + cos(pi * it / total)) / 2.
 *   <li>{@code onecycle}: PyTorch's OneCycleLR (pct_start 0.3, div_factor 25, final_div_factor 1e4, cosine).
 *   <li>{@code plateau:PATIENCE}: PyTorch's ReduceLROnPlateau (factor 0.1, mode min, threshold 1e-4
 *       relative) on the validation loss (the training loss without a validation split), once per epoch.
 * </ul>
 * Warm-up ({@code --warmup-lr W --warmup-iters N}): the first N steps use W (the paper's ResNet-110),
 * or with {@code --warmup linear} rise from W in a straight line to the schedule's rate at step N
 * (Goyal et al. 2017): a jump from 0.01 to 0.1 after one epoch sets ResNet-56 back by an epoch.
 */
public final class LearningRateSchedule {
    /** What plateau scheduling remembers between epochs. */
    public record PlateauState(double best, int badEpochs, double scale) {
        public static PlateauState initial() {
            return new PlateauState(Double.POSITIVE_INFINITY, 0, 1.0);
        }
    }

    private final String kind;
    private final long[] milestones;
    private final int patience;
    private final double lr;
    private final double warmupLr;
    private final int warmupIters;
    private final boolean linearWarmup;
    private final long total;
    private PlateauState plateau = PlateauState.initial();

    private LearningRateSchedule(String kind, long[] milestones, int patience, double lr, double warmupLr,
            int warmupIters, boolean linearWarmup, long total) {
        this.kind = kind;
        this.milestones = milestones;
        this.patience = patience;
        this.lr = lr;
        this.warmupLr = warmupLr;
        this.warmupIters = warmupIters;
        this.linearWarmup = linearWarmup;
        this.total = total;
    }

    /** Parses {@code --schedule} and {@code --warmup}; {@code total} is the run's number of steps. */
    public static LearningRateSchedule parse(String spec, double lr, double warmupLr, int warmupIters, String warmup,
            long total) {
        boolean linear;
        if (warmup == null || warmup.equals("constant")) {
            linear = false;
        } else if (warmup.equals("linear")) {
            linear = true;
        } else {
            throw new UsageException("--warmup: expected constant or linear, not '" + warmup + "'");
        }
        String s = spec == null ? "multistep" : spec.trim().toLowerCase(Locale.ROOT);
        String kind = s.contains(":") ? s.substring(0, s.indexOf(':')) : s;
        String arg = s.contains(":") ? s.substring(s.indexOf(':') + 1).trim() : null;
        try {
            switch (kind) {
                case "multistep": {
                    long[] m = arg == null || arg.isEmpty()
                            ? new long[] {32_000, 48_000}
                            : Arrays.stream(arg.split(",")).mapToLong(x -> Long.parseLong(x.trim())).toArray();
                    for (int i = 0; i < m.length; i++) {
                        if (m[i] < 0 || (i > 0 && m[i] < m[i - 1])) {
                            throw new NumberFormatException();
                        }
                    }
                    return new LearningRateSchedule(kind, m, 0, lr, warmupLr, warmupIters, linear, total);
                }
                case "cosine":
                case "onecycle":
                    if (arg != null) {
                        throw new NumberFormatException();
                    }
                    return new LearningRateSchedule(kind, new long[0], 0, lr, warmupLr, warmupIters, linear, total);
                case "plateau": {
                    int p = arg == null || arg.isEmpty() ? 10 : Integer.parseInt(arg);
                    if (p < 0) {
                        throw new NumberFormatException();
                    }
                    return new LearningRateSchedule(kind, new long[0], p, lr, warmupLr, warmupIters, linear, total);
                }
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            throw new UsageException("--schedule: bad value '" + spec
                    + "' (expected multistep:I1,I2 with increasing iterations, cosine, onecycle or plateau:PATIENCE)");
        }
        throw new UsageException("--schedule: unknown schedule '" + spec
                + "' (expected multistep:I1,I2, cosine, onecycle or plateau:PATIENCE)");
    }

    /** The schedule written out in full, e.g. {@code multistep:32000,48000}: what config.json records. */
    public String resolved() {
        switch (kind) {
            case "multistep":
                return "multistep:" + String.join(",", Arrays.stream(milestones).mapToObj(Long::toString).toList());
            case "plateau":
                return "plateau:" + patience;
            default:
                return kind;
        }
    }

    /** The learning rate of the step taken after {@code iteration} steps (0-based). */
    public double lr(long iteration) {
        if (iteration < warmupIters) {
            return linearWarmup ? warmupLr + (scheduled(warmupIters) - warmupLr) * iteration / warmupIters : warmupLr;
        }
        return scheduled(iteration);
    }

    private double scheduled(long iteration) {
        switch (kind) {
            case "multistep": {
                double v = lr;
                for (long m : milestones) {
                    if (iteration >= m) {
                        v *= 0.1;
                    }
                }
                return v;
            }
            case "cosine":
                return lr * (1 + Math.cos(Math.PI * Math.min(iteration, total) / Math.max(1, total))) / 2;
            case "onecycle":
                return oneCycle(iteration);
            case "plateau":
                return lr * plateau.scale;
            default:
                throw new IllegalStateException(kind);
        }
    }

    private double oneCycle(long it) {
        double initial = lr / 25;
        double last = initial / 1e4;
        double up = 0.3 * total - 1;
        double down = total - 1;
        if (it <= up) {
            return anneal(initial, lr, up <= 0 ? 1 : it / up);
        }
        return anneal(lr, last, Math.min(1, (it - up) / Math.max(1e-9, down - up)));
    }

    private static double anneal(double start, double end, double pct) {
        return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
    }

    /** Plateau only: reports an epoch's monitored loss; may reduce the rate for later steps. */
    public void endEpoch(double monitoredLoss) {
        if (!"plateau".equals(kind) || Double.isNaN(monitoredLoss)) {
            return;
        }
        if (monitoredLoss < plateau.best * (1 - 1e-4)) {
            plateau = new PlateauState(monitoredLoss, 0, plateau.scale);
        } else if (plateau.badEpochs + 1 > patience) {
            plateau = new PlateauState(plateau.best, 0, plateau.scale * 0.1);
        } else {
            plateau = new PlateauState(plateau.best, plateau.badEpochs + 1, plateau.scale);
        }
    }

    public PlateauState plateauState() {
        return plateau;
    }

    public void restore(PlateauState state) {
        this.plateau = state == null ? PlateauState.initial() : state;
    }

    public String kind() {
        return kind;
    }
}
