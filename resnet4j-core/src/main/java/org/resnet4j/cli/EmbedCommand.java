package org.resnet4j.cli;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.resnet4j.eval.Embedder;
import org.resnet4j.eval.FeatureFile;
import org.resnet4j.model.ResNetModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code resnet4j embed}: image features (embeddings) of image files, as a NumPy array. */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the image features (embeddings) of images: the network's global-average-pooled "
                + "penultimate activations (64 per image for CIFAR nets, 512 for resnet18/34, 2048 for resnet50 and "
                + "deeper), one row per image, for search, clustering or another classifier.",
            "Writes OUT (an N x D .npy array, np.load reads it), OUT's .txt (the image files, one per line, in row "
                    + "order) and .json (the model directory and settings, which 'similar' reads).",
            "Images are prepared as 'predict' prepares them; an unreadable file gets its own error, the others are "
                    + "still embedded, and the exit code is 1."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:every image embedded", "1:some failed (or an error)",
            "2:bad command line"})
public final class EmbedCommand implements Callable<Integer> {
    @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "Model directory (from train or import).")
    Path modelDir;

    @Parameters(arity = "1..*", paramLabel = "IMAGE_OR_FOLDER", description = "Image files or folders of images (searched recursively).")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the features (e.g. features.npy).")
    Path out;

    @Option(names = "--raw", description = "Keep the features as the network computes them (default: each row L2-normalised, "
            + "so a dot product is the cosine similarity).")
    boolean raw;

    @Option(names = "--fp16", description = "Write float16 instead of float32 (half the size).")
    boolean fp16;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @picocli.CommandLine.Mixin PrecisionOption precision;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public Integer call() {
        PrintWriter stdout = commandSpec.commandLine().getOut();
        PrintWriter stderr = commandSpec.commandLine().getErr();
        Embedder.Result r;
        precision.requested();
        try (ResNetModel model = ResNetModel.load(modelDir); Progress progress = new Progress("embed", quiet)) {
            precision.apply(model, stderr);
            r = new Embedder(model, !raw).embed(inputs, progress::update);
        }
        r.failures().forEach(f -> stderr.println("resnet4j: " + f.error()));
        stderr.flush();
        if (r.files().isEmpty()) {
            throw new org.resnet4j.ResNet4jException("no image could be embedded; nothing written to " + out);
        }
        JsonObject meta = new JsonObject();
        meta.addProperty("model_dir", modelDir.toAbsolutePath().normalize().toString());
        meta.addProperty("normalized", !raw);
        FeatureFile.write(out, r, fp16, meta);
        stdout.printf("embedded %,d images (%d features each) into %s; the files are listed in %s%n", r.files().size(),
                r.dim(), out, FeatureFile.listFile(out));
        stdout.flush();
        return r.failures().isEmpty() ? 0 : 1;
    }
}
