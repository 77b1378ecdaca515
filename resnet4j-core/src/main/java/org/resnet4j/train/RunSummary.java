package org.resnet4j.train;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.resnet4j.util.Json;

/** At the end of the budget: the model directory (with its result in the provenance), summary.json and the closing line. */
final class RunSummary implements TrainingListener {
    private final Path runDir;
    private final PrintWriter out;

    RunSummary(Path runDir, PrintWriter out) {
        this.runDir = runDir;
        this.out = out;
    }

    @Override
    public void onFinish(TrainingLoop loop, double seconds) {
        EpochMetrics last = loop.lastMetrics();
        TrainConfig config = loop.config;
        JsonObject result = new JsonObject();
        result.addProperty("epochs", last.epoch());
        result.addProperty("iterations", loop.iteration());
        result.addProperty("train_error", last.trainError());
        if (last.valError() != null) {
            result.addProperty("val_error", last.valError());
        }
        if (last.testError() != null) {
            result.addProperty("test_error", last.testError());
        }
        loop.model.provenance().add("result", result);
        Path modelDir = runDir.resolve(Trainer.MODEL);
        loop.model.save(modelDir);

        JsonObject s = new JsonObject();
        s.addProperty("status", "finished");
        s.addProperty("model", config.model());
        s.addProperty("dataset", loop.data.dataset().name());
        s.addProperty("epochs", last.epoch());
        s.addProperty("iterations", loop.iteration());
        s.addProperty("train_loss", last.trainLoss());
        s.addProperty("train_error", last.trainError());
        if (last.valError() != null) {
            s.addProperty("val_loss", last.valLoss());
            s.addProperty("val_error", last.valError());
            s.addProperty("best_val_error", loop.bestValError());
            s.addProperty("best_epoch", loop.bestEpoch());
        }
        if (last.testError() != null) {
            s.addProperty("test_error", last.testError());
        }
        double totalSeconds = loop.metrics().stream().mapToDouble(EpochMetrics::seconds).sum();
        double imagesPerSec = loop.metrics().stream().mapToDouble(EpochMetrics::imagesPerSec).average().orElse(0);
        s.addProperty("seconds", Math.round(totalSeconds * 10) / 10.0);
        s.addProperty("seconds_this_session", Math.round(seconds * 10) / 10.0);
        s.addProperty("images_per_sec", Math.round(imagesPerSec * 10) / 10.0);
        s.addProperty("threads", config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors());
        s.addProperty("model_dir", modelDir.toString());
        Json.write(runDir.resolve(Trainer.SUMMARY), s);
        out.println(String.format(Locale.ROOT, "done: %d epoch%s, %d iteration%s, %.1fs; train error %.4f%s%s; model in %s",
                last.epoch(), last.epoch() == 1 ? "" : "s", loop.iteration(), loop.iteration() == 1 ? "" : "s", totalSeconds,
                last.trainError(),
                last.valError() == null ? "" : String.format(Locale.ROOT, ", val error %.4f", last.valError()),
                last.testError() == null ? "" : String.format(Locale.ROOT, ", test error %.4f", last.testError()),
                modelDir));
        out.flush();
    }
}
