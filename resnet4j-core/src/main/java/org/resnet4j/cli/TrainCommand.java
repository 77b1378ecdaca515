package org.resnet4j.cli;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.concurrent.Callable;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.dataset.LoadedDataset;
import org.resnet4j.train.FineTuning;
import org.resnet4j.train.TrainConfig;
import org.resnet4j.train.Trainer;
import org.resnet4j.util.Devices;
import org.resnet4j.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code resnet4j train}: trains a zoo network; the paper's CIFAR-10 recipe by default. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a network and leave a self-describing run directory (config.json, metrics.csv, "
                + "checkpoints/last and best, model/, curves.png, summary.json).",
            "With no options: resnet20 on CIFAR-10 with the paper's recipe (SGD 0.9, weight decay 1e-4, batch 128, "
                + "LR 0.1 divided by 10 at 32k and 48k iterations, 64k iterations, pad-4 crop + flip, per-pixel mean, "
                + "45k/5k split).",
            "Settings resolve as defaults < --config file < flags. Ctrl-C or SIGTERM finishes the current step, writes "
                + "a checkpoint and tells how to --resume."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:finished", "1:error: a missing or broken file, I/O, a diverged run (one line on stderr)",
            "2:bad command line: an unknown option, or a value out of range, in conflict or not fitting the data",
            "130:stopped by Ctrl-C after writing a checkpoint", "143:stopped by SIGTERM after writing a checkpoint"})
public final class TrainCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @Option(names = "--dataset", paramLabel = "NAME", description = "cifar10 (default), fashion-mnist, mnist, folder, ...")
    String dataset;

    @Option(names = "--data", paramLabel = "PATH", description = "Where the data set is (a directory, file or zip).")
    Path data;

    @Option(names = "--preset", paramLabel = "NAME", description = "Image recipe: cifar (default: images in memory, the "
            + "paper's pad-4 crop + flip), imagenet-paper (the paper's section 3.4: scale augmentation, 224 crops, PCA "
            + "lighting) or imagenet (torchvision's RandomResizedCrop); the ImageNet ones read photos of any size from disk "
            + "batch by batch and crop to --input (default: the model's).")
    String preset;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/MODEL-DATASET-TIME).")
    Path out;

    @Option(names = "--force", description = "Train into an --out directory that holds other files: they are kept, "
            + "only files named as the run's own are replaced.")
    boolean force;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON file of settings (keys as the flags); flags override it.")
    Path config;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its last checkpoint; "
            + "with a larger --epochs or --iterations, extend a finished run.")
    Path resume;

    @Option(names = "--epochs", paramLabel = "N", description = "Train for N epochs.")
    Integer epochs;

    @Option(names = "--iterations", paramLabel = "N", description = "Train for N iterations (default 64000, the paper's).")
    Long iterations;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default 128).")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "LR", description = "Learning rate (default 0.1; Adam 0.001).")
    Double lr;

    @Option(names = "--schedule", paramLabel = "S", description = "multistep[:I1,I2] (default: the paper's 32000,48000 "
            + "iterations), cosine, onecycle or plateau:PATIENCE.")
    String schedule;

    @Option(names = "--warmup-lr", paramLabel = "LR", description = "Learning rate of the warm-up (paper ResNet-110: 0.01).")
    Double warmupLr;

    @Option(names = "--warmup-iters", paramLabel = "N", description = "Warm-up iterations (paper ResNet-110: 400).")
    Integer warmupIters;

    @Option(names = "--warmup", paramLabel = "KIND", description = "constant (default, the paper's: the warm-up LR "
            + "throughout the warm-up) or linear (rising from the warm-up LR to the schedule's).")
    String warmup;

    @Option(names = "--optimizer", paramLabel = "O", description = "sgd (default), nesterov or adam.")
    String optimizer;

    @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum (default 0.9).")
    Double momentum;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "L2 weight decay on all parameters (default 1e-4).")
    Double weightDecay;

    @Option(names = "--val-split", paramLabel = "N", description = "Training images held out for validation "
            + "(default: a tenth of the training images or of the --limit-train subset, at most 5000: the paper's 45k/5k "
            + "on CIFAR); 0 trains on all, as the paper's final runs.")
    Integer valSplit;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the weights, split, subsets, order and augmentation (default 42).")
    Long seed;

    @Option(names = "--limit-train", paramLabel = "N", description = "Quick runs: a stratified random subset of N (1 or more) training images.")
    Integer limitTrain;

    @Option(names = "--limit-test", paramLabel = "N", description = "Quick runs: a stratified random subset of N (1 or more) test images.")
    Integer limitTest;

    @Option(names = "--normalization", paramLabel = "MODE", description = "per-pixel (default, the paper's) or per-channel (computed from the "
            + "training images), none, imagenet, per-channel:M1,M2,M3:S1,S2,S3 (0..1 units), or parent (with --init-from: "
            + "the parent model's, the default there).")
    String normalization;

    @Option(names = "--pad", paramLabel = "P", description = "Random-crop padding (default 4; 0 for none).")
    Integer pad;

    @Option(names = "--flip", negatable = true, description = "Random horizontal flips (default on; --no-flip).")
    Boolean flip;

    @Option(names = "--erase", paramLabel = "P", description = "Random erasing: probability per image of setting a random "
            + "rectangle (2-40%% of the area) to the mean (default 0).")
    Double erase;

    @Option(names = "--label-smoothing", paramLabel = "E", description = "Train towards targets with probability E spread "
            + "over all classes (default 0; 0.1 is common).")
    Double labelSmoothing;

    @Option(names = "--resize", paramLabel = "S", description = "cifar preset: resize images to SxS when loading "
            + "(as --input CxSxS).")
    Integer resize;

    @Option(names = "--skip-bad", description = "Skip undecodable images in a folder data set.")
    Boolean skipBad;

    @Option(names = "--workers", paramLabel = "N", description = "Batch-preparing threads (default 2).")
    Integer workers;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: all cores).")
    Integer threads;

    @Option(names = "--precision", paramLabel = "fp32|bf16", description = "Arithmetic: fp32 (default) or bf16 (bfloat16 "
            + "mixed precision as torch.autocast: convolutions and the classifier in bfloat16; batch norm, the loss, the "
            + "optimizer and the weights in float32). Needs a GPU or a CPU with AVX512_BF16 or AMX; elsewhere a notice and "
            + "fp32. Recorded in config.json: --resume continues in it.")
    String precision;

    @Option(names = "--init-from", paramLabel = "MODEL_OR_CHECKPOINT", description = "Fine-tune: start from the weights "
            + "of a model directory, a finished run or a checkpoint file (.pth, .pt, .npz, .safetensors, ...). A model "
            + "directory also gives the architecture and the input normalisation (unless --model or --normalization say "
            + "otherwise); the classifier starts afresh when the classes differ.")
    String initFrom;

    @Option(names = "--freeze", paramLabel = "PARTS", description = "Fine-tune: parts not to train, comma-separated: stem, "
            + "layer1, layer2, ... or backbone (all but the classifier: a linear probe). Frozen batch norms use their "
            + "running statistics.")
    String freeze;

    @Option(names = "--backbone-lr-scale", paramLabel = "F", description = "Fine-tune: the learning rate of everything "
            + "but the classifier is F times --lr (default 1; 0.1 is common).")
    Double backboneLrScale;

    @Option(names = "--quiet", description = "One line per epoch instead of a progress bar.")
    boolean quiet;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Options that are not training settings. */
    private static final Set<String> NOT_SETTINGS = Set.of("--out", "--force", "--config", "--resume", "--quiet", "--help",
            "--version");
    /** Settings a resume may change. */
    private static final Set<String> RESUMABLE = Set.of("epochs", "iterations", "threads", "workers");

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        JsonObject flags = flagSettings();
        Integer t = threads;
        Devices.configure(t == null ? 0 : t);
        Trainer.Result result;
        if (resume != null) {
            if (config != null) {
                throw new UsageException("--config: cannot be used with --resume (the run's settings are in "
                        + resume.resolve(Trainer.CONFIG) + ")");
            }
            if (out != null && !out.toAbsolutePath().normalize().equals(resume.toAbsolutePath().normalize())) {
                throw new UsageException("--out: cannot be used with --resume (the run continues in " + resume + ")");
            }
            for (String key : flags.keySet()) {
                if (!RESUMABLE.contains(key)) {
                    throw new UsageException("--" + kebab(key) + ": cannot be changed when resuming (the run's settings are in "
                            + resume.resolve(Trainer.CONFIG) + "; only --epochs, --iterations, --threads and --workers may be given)");
                }
            }
            TrainConfig cfg = Trainer.readConfig(resume);
            if (epochs != null) {
                cfg = cfg.withEpochs(epochs);
            } else if (iterations != null) {
                cfg = cfg.withIterations(iterations);
            }
            JsonObject o = cfg.toJson();
            flags.entrySet().stream().filter(e -> !e.getKey().equals("epochs") && !e.getKey().equals("iterations"))
                    .forEach(e -> o.add(e.getKey(), e.getValue()));
            cfg = TrainConfig.resolve(o, new JsonObject());
            Trainer trainer = new Trainer(resume, stdout, stderr, quiet);
            result = trainer.resume(cfg, Trainer.loadData(cfg));
        } else {
            JsonObject file = config == null ? new JsonObject() : TrainConfig.readFile(config);
            JsonObject init = flags.has("initFrom") ? flags : file;
            JsonObject parent = null;
            if (init.has("initFrom") && !init.get("initFrom").isJsonNull()) {
                boolean otherModel = flags.has("model") || file.has("model");
                parent = FineTuning.open(init.get("initFrom").getAsString()).settings(!otherModel);
            }
            TrainConfig cfg = TrainConfig.resolve(config, parent, flags);
            Path dir = out != null ? out : Path.of("runs", cfg.model() + "-" + cfg.dataset() + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            Trainer.checkOut(dir, force); // before the data loads
            Trainer trainer = new Trainer(dir, stdout, stderr, quiet);
            LoadedDataset loaded = Trainer.loadData(cfg);
            result = trainer.start(cfg, loaded, force);
        }
        return result.status() == Trainer.Status.FINISHED ? 0 : 130;
    }

    /** The settings given on the command line, keyed like the config file. */
    private JsonObject flagSettings() {
        JsonObject o = new JsonObject();
        for (CommandLine.Model.OptionSpec opt : spec.commandLine().getParseResult().matchedOptions()) {
            String name = opt.longestName();
            if (NOT_SETTINGS.contains(name)) {
                continue;
            }
            Object v = opt.getValue();
            if (v instanceof Path p) {
                v = p.toString();
            }
            o.add(name.replaceFirst("^--", ""), Json.GSON.toJsonTree(v));
        }
        return TrainConfigAccess.canonical(o);
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z])([A-Z0-9])", "$1-$2").toLowerCase(java.util.Locale.ROOT).replace("in-1x1", "in-1x1");
    }

    /** Reaches package-private helpers of TrainConfig through its public API. */
    private static final class TrainConfigAccess {
        static JsonObject canonical(JsonObject flags) {
            // resolve() canonicalises too; here only to know which settings were given
            JsonObject out = new JsonObject();
            TrainConfig.canonicalKeys(flags).forEach(out::add);
            return out;
        }
    }
}
