package org.resnet4j.cli;

import java.util.Locale;
import java.util.Map;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.bench.Benchmark;
import org.resnet4j.dataset.Datasets;
import org.resnet4j.dataset.Decoders;
import org.resnet4j.dataset.ImageSet;
import org.resnet4j.dataset.LoadOptions;
import org.resnet4j.dataset.LoadedDataset;
import org.resnet4j.dataset.Normalization;
import org.resnet4j.dataset.Pipeline;
import org.resnet4j.dataset.Preset;
import org.resnet4j.dataset.Samples;
import org.resnet4j.model.Precision;
import org.resnet4j.model.ResNetSpec;
import org.resnet4j.util.Devices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code resnet4j bench}: images per second of training and inference. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure training or inference speed: median images/s over the measured iterations (after warm-up), "
                + "min and max, peak resident memory, and the share of time in data loading, forward, backward and the "
                + "optimizer step.", "bench/compare-pytorch runs the same cases in PyTorch for a ratio."})
public final class BenchCommand implements Runnable {
    @Mixin ModelOptions modelOptions;

    @Option(names = "--mode", defaultValue = "train",
            description = "train or infer (a fixed random batch), data (the loader alone) or epoch (one real training epoch, "
                    + "data loading and augmentation included) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--dataset", defaultValue = "folder", description = "data and epoch modes: the data set (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data", paramLabel = "PATH", description = "data and epoch modes: where the data set is (e.g. the CIFAR-10 JPEG zip).")
    java.nio.file.Path data;

    @Option(names = "--preset", defaultValue = "cifar", paramLabel = "NAME", description = "data and epoch modes: the "
            + "training transforms (cifar, imagenet-paper or imagenet; default: ${DEFAULT-VALUE}), at the model's --input.")
    String preset;

    @Option(names = "--workers", defaultValue = "1", description = "data and epoch modes: loader threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--limit", defaultValue = "0", description = "epoch mode: stop after this many batches (default: the whole epoch).")
    int limit;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--iters", defaultValue = "20", description = "Measured iterations (default: ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--warmup", defaultValue = "5", description = "Iterations run before measuring (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", defaultValue = "0", description = "Compute threads (default: all cores).")
    int threads;

    @Option(names = "--profile", paramLabel = "FILE", description = "train and infer modes: record the measured iterations "
            + "with PyTorch's profiler into a Chrome trace (FILE, .json); the profiler slows every operation, so the speed "
            + "printed is not comparable. bench/profile-ops compares the operations with PyTorch's.")
    java.nio.file.Path profile;

    @Option(names = "--json", description = "One JSON object on stdout.")
    boolean json;

    @Mixin PrecisionOption precisionOption;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public void run() {
        if (batchSize < 1 || warmup < 0 || limit < 0 || workers < 1 || (iters < 1 && !mode.equals("epoch"))) {
            throw new UsageException("--batch-size, --iters and --workers must be at least 1, --warmup and --limit at least 0");
        }
        if (profile != null) {
            if (!mode.equals("train") && !mode.equals("infer")) {
                throw new UsageException("--profile: only for --mode train or infer, not " + mode);
            }
            java.nio.file.Path dir = profile.toAbsolutePath().getParent();
            if (dir == null || !java.nio.file.Files.isDirectory(dir)) {
                throw new ResNet4jException("--profile: no directory " + dir + " to write " + profile + " in");
            }
        }
        precisionOption.requested();
        Devices.configure(threads);
        ResNetSpec spec = modelOptions.spec();
        Precision precision = mode.equals("data") ? Precision.FP32
                : precisionOption.resolve(Devices.device(), commandSpec.commandLine().getErr());
        Benchmark.Result r;
        switch (mode) {
            case "train": r = Benchmark.train(spec, precision, batchSize, warmup, iters, profile); break;
            case "infer": r = Benchmark.infer(spec, precision, batchSize, warmup, iters, profile); break;
            case "data": {
                TrainingData d = trainingData(spec);
                // CIFAR batches take milliseconds: at least 100 of them for a stable rate
                int batches = d.samples() instanceof ImageSet ? Math.max(iters, 100) : iters;
                r = Benchmark.data(d.samples(), d.pipeline(), batchSize, workers, batches);
                break;
            }
            case "epoch": {
                TrainingData d = trainingData(spec);
                r = Benchmark.epoch(spec, precision, d.samples(), d.pipeline(), batchSize, workers, limit);
                break;
            }
            default: throw new UsageException("--mode: expected train, infer, data or epoch, not '" + mode + "'");
        }
        var out = commandSpec.commandLine().getOut();
        if (json) {
            Map<String, Object> j = new java.util.TreeMap<>(Map.of(
                    "model", r.model(), "mode", r.mode(), "batch_size", r.batchSize(), "images_per_sec", round(r.imagesPerSec()),
                    "min", round(r.min()), "max", round(r.max()), "peak_rss_mb", round(r.peakRssMb()), "breakdown", r.breakdown(),
                    "iters", r.iters(), "seconds", round(r.seconds())));
            j.put("allocator", Benchmark.allocator());
            j.put("precision", precision.toString());
            out.println(new com.google.gson.Gson().toJson(j));
        } else {
            out.printf(Locale.ROOT, "%s %s, batch %d%s: %.1f images/s (min %.1f, max %.1f over %d iterations, %.1f s), peak RSS %.0f MB, %s%n",
                    r.model(), r.mode(), r.batchSize(), precision == Precision.FP32 ? "" : ", " + precision, r.imagesPerSec(), r.min(), r.max(), r.iters(), r.seconds(), r.peakRssMb(),
                    Benchmark.allocator());
            if (mode.equals("data")) {
                out.printf(Locale.ROOT, "per core: %.1f images/s (%d loader thread%s)%n", r.imagesPerSec() / workers, workers,
                        workers == 1 ? "" : "s");
            }
            StringBuilder b = new StringBuilder("time:");
            r.breakdown().forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.0f%%", k, 100 * v)));
            out.println(b);
        }
        out.flush();
    }

    private record TrainingData(Samples samples, Pipeline pipeline) {}

    /**
     * The training split as {@code --preset} reads it (cifar: in memory, resized only to an explicit
     * {@code --input}; ImageNet presets: indexed, files cached in memory), and its training transforms
     * at the model's input size.
     */
    private TrainingData trainingData(ResNetSpec spec) {
        long t0 = System.nanoTime();
        Preset p = Preset.named(preset);
        int[] size = modelOptions.input == null ? null : new int[] {spec.inputHeight(), spec.inputWidth()};
        LoadOptions base = new LoadOptions(false, spec.inputChannels(), true, false);
        LoadedDataset d = Datasets.load(dataset, data, p.loadOptions(base, size, -1));
        Samples train = d.train();
        int[] shape = train instanceof ImageSet set && p.decodesAtLoad() ? set.shape()
                : new int[] {spec.inputChannels(), spec.inputHeight(), spec.inputWidth()};
        Normalization norm = p.normalization(train, Normalization.PER_PIXEL, shape[0], shape[1], shape[2], 0);
        Pipeline pipeline = p.train(shape[0], shape[1], shape[2], norm, new Preset.Options(4, true, 0));
        System.err.printf(Locale.ROOT, "loaded %,d training images from %s in %.1f s; %s, JPEG decoder: %s%n", train.size(),
                d.source(), (System.nanoTime() - t0) / 1e9, pipeline, Decoders.best().name());
        return new TrainingData(train, pipeline);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
