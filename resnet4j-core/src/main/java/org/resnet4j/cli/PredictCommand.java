package org.resnet4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.resnet4j.eval.Predictor;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code resnet4j predict}: the top-K classes of image files. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Classify images with a trained model: the top K classes and their probabilities per image.",
            "Images may have any size and any format ImageIO reads; folders are searched for jpg, jpeg, png, bmp "
                    + "and gif files. An unreadable file gets its own error and the others are still predicted; "
                    + "the exit code is 1 if any failed."})
public final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "Model directory (from train or import).")
    Path modelDir;

    @Parameters(arity = "1..*", paramLabel = "IMAGE_OR_FOLDER", description = "Image files or folders of images; - reads one image from standard input.")
    List<Path> inputs;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "Classes per image (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "A JSON array: {file, predictions: [{class, probability}]} or {file, error} per image.")
    boolean json;

    @picocli.CommandLine.Mixin PrecisionOption precision;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public Integer call() {
        PrintWriter out = commandSpec.commandLine().getOut();
        PrintWriter err = commandSpec.commandLine().getErr();
        List<Predictor.Result> results;
        precision.requested();
        try (ResNetModel model = ResNetModel.load(modelDir)) {
            precision.apply(model, err);
            results = new Predictor(model).predict(inputs, top);
        }
        boolean failed = false;
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Predictor.Result r : results) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("file", r.file().toString());
                if (r.failed()) {
                    row.put("error", r.error());
                } else {
                    List<Map<String, Object>> preds = new ArrayList<>();
                    for (Predictor.ClassProbability p : r.predictions()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("class", p.className());
                        m.put("probability", p.probability());
                        preds.add(m);
                    }
                    row.put("predictions", preds);
                }
                failed |= r.failed();
                rows.add(row);
            }
            out.println(Json.toJson(rows));
        } else {
            for (Predictor.Result r : results) {
                if (r.failed()) {
                    failed = true;
                    err.println("resnet4j: " + r.error());
                    err.flush();
                    continue;
                }
                StringBuilder line = new StringBuilder(r.file().toString()).append(": ");
                for (int i = 0; i < r.predictions().size(); i++) {
                    Predictor.ClassProbability p = r.predictions().get(i);
                    line.append(i == 0 ? "" : ", ").append(p.className())
                            .append(String.format(Locale.ROOT, " (%.3f)", p.probability()));
                }
                out.println(line);
                out.flush();
            }
        }
        out.flush();
        err.flush();
        return failed ? 1 : 0;
    }
}
