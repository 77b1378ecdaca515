package org.resnet4j.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Draws a run's {@code curves.png}: the one call site of the curve plotter, {@link org.resnet4j.eval.Curves}. */
final class TrainingCurves {
    private TrainingCurves() {}

    static void plot(Map<String, List<EpochMetrics>> runs, Path png, String title) {
        org.resnet4j.eval.Curves.plot(runs, png, title);
    }
}
