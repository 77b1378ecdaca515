package org.resnet4j.train;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.resnet4j.ResNet4jException;

/** After every epoch: {@code metrics.csv} ({@link MetricsLog}) and {@code curves.png} ({@link Curves}). */
final class MetricsFiles implements TrainingListener {
    private final Path runDir;
    private final String title;
    private final PrintWriter err;

    MetricsFiles(Path runDir, String title, PrintWriter err) {
        this.runDir = runDir;
        this.title = title;
        this.err = err;
    }

    @Override
    public void onEpochEnd(TrainingLoop loop, EpochMetrics m, boolean bestValidation) {
        MetricsLog.write(runDir.resolve(Trainer.METRICS), loop.metrics());
        if (!loop.stopRequested()) { // a signal means the JVM is shutting down: AWT cannot start; resume draws them
            plot(loop);
        }
    }

    private void plot(TrainingLoop loop) {
        Path png = runDir.resolve(Trainer.CURVES);
        try {
            Curves.plot(Map.of(loop.config.model(), List.copyOf(loop.metrics())), png, title);
        } catch (ResNet4jException ex) {
            throw ex;
        } catch (RuntimeException | LinkageError ex) {
            err.println("resnet4j: warning: could not draw " + png + ": "
                    + (ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName()));
        }
    }
}
