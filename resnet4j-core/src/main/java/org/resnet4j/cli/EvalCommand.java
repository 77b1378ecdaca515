package org.resnet4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.dataset.Datasets;
import org.resnet4j.dataset.LoadOptions;
import org.resnet4j.dataset.LoadedDataset;
import org.resnet4j.dataset.Samples;
import org.resnet4j.eval.ClassificationReport;
import org.resnet4j.eval.ConfusionPlot;
import org.resnet4j.eval.Evaluator;
import org.resnet4j.eval.ModelPipeline;
import org.resnet4j.eval.ValidationSplit;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.util.AtomicFiles;
import org.resnet4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code resnet4j eval}: a model's errors, loss, per-class report and confusion matrix on a data split. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a model on a data set split: top-1 and top-5 error, mean loss, per-class precision, "
                + "recall, F1 and support, and the confusion matrix (rows: true class).",
            "Runs in inference mode (BatchNorm running statistics); images are prepared as the model's training tested "
                    + "them (its preset, input size and normalisation, stored in the model)."})
public final class EvalCommand implements Runnable {
    @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "Model directory (from train or import).")
    Path modelDir;

    @Option(names = "--dataset", required = true, paramLabel = "NAME",
            description = "cifar10, cifar100, cifar100-coarse, mnist, fashion-mnist or folder.")
    String dataset;

    @Option(names = "--data", paramLabel = "PATH", description = "Directory, file or zip holding the data set "
            + "(default: looked up as for train).")
    Path data;

    @Option(names = "--split", paramLabel = "test|val|train", defaultValue = "test",
            description = "Which images (default: ${DEFAULT-VALUE}); val is the hold-out the model's training run used.")
    String split;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128", description = "Images per forward pass "
            + "(default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--ten-crop", description = "Score each image by the mean softmax of its 10 crops (4 corners, centre, "
            + "and their mirror images; the paper's Table 3), for models trained with an ImageNet preset.")
    boolean tenCrop;

    @Option(names = "--skip-bad", description = "Folder datasets: skip undecodable images (and say how many) instead of failing.")
    boolean skipBad;

    @Option(names = "--json", description = "Print only the JSON report on stdout.")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write report.json, report.txt and confusion.png here.")
    Path out;

    @picocli.CommandLine.Mixin PrecisionOption precision;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public void run() {
        String which = split.trim().toLowerCase(Locale.ROOT);
        if (!which.equals("test") && !which.equals("val") && !which.equals("train")) {
            throw new UsageException("--split: expected test, val or train, not '" + split + "'");
        }
        if (batchSize < 1) {
            throw new UsageException("--batch-size: must be at least 1, not " + batchSize);
        }
        precision.requested();
        if (out != null) {
            AtomicFiles.requireWritableDirectory(out, "--out"); // before the work, not after it
        }
        try (ResNetModel model = ResNetModel.load(modelDir)) {
            precision.apply(model, commandSpec.commandLine().getErr());
            boolean needTrain = !which.equals("test");
            LoadOptions options = new LoadOptions(skipBad, model.spec().inputChannels(), needTrain, !needTrain);
            LoadedDataset loaded = Datasets.load(dataset, data, ModelPipeline.loadOptions(model, options));
            Samples set = switch (which) {
                case "test" -> loaded.test();
                case "train" -> loaded.train();
                default -> ValidationSplit.of(model.provenance(), loaded.train(), modelDir.toString());
            };
            if (set == null || set.size() == 0) {
                throw new ResNet4jException("--dataset " + loaded.name() + ": no " + which + " images in " + loaded.source());
            }
            ClassificationReport report = Evaluator.evaluate(model, set, batchSize, "--dataset " + loaded.name(), tenCrop);
            String title = model.spec().name() + " on " + loaded.name() + " " + which + " (" + report.count() + " images"
                    + (tenCrop ? ", 10 crops each" : "") + ")";
            String text = title + "\n\n" + report.toText();
            if (out != null) {
                Json.write(out.resolve("report.json"), report.toJson());
                AtomicFiles.writeString(out.resolve("report.txt"), text);
                ConfusionPlot.write(report, out.resolve("confusion.png"), title);
            }
            PrintWriter o = commandSpec.commandLine().getOut();
            if (json) {
                o.println(Json.toJson(report.toJson()));
            } else {
                o.print(text);
                if (out != null) {
                    o.println();
                    o.println("wrote " + out.resolve("report.json") + ", " + out.resolve("report.txt") + ", "
                            + out.resolve("confusion.png"));
                }
            }
            o.flush();
        }
    }
}
