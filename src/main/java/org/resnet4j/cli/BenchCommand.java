package org.resnet4j.cli;

import java.util.Locale;
import java.util.Map;
import org.resnet4j.ResNet4jException;
import org.resnet4j.bench.Benchmark;
import org.resnet4j.model.ResNetSpec;
import org.resnet4j.util.Devices;
import org.resnet4j.util.Json;
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

    @Option(names = "--mode", defaultValue = "train", description = "train, infer (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--iters", defaultValue = "20", description = "Measured iterations (default: ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--warmup", defaultValue = "5", description = "Iterations run before measuring (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", defaultValue = "0", description = "Compute threads (default: all cores).")
    int threads;

    @Option(names = "--json", description = "One JSON object on stdout.")
    boolean json;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public void run() {
        if (batchSize < 1 || iters < 1 || warmup < 0) {
            throw new ResNet4jException("--batch-size and --iters must be at least 1, --warmup at least 0");
        }
        Devices.configure(threads);
        ResNetSpec spec = modelOptions.spec();
        Benchmark.Result r;
        switch (mode) {
            case "train": r = Benchmark.train(spec, batchSize, warmup, iters); break;
            case "infer": r = Benchmark.infer(spec, batchSize, warmup, iters); break;
            default: throw new ResNet4jException("--mode: expected train or infer, not '" + mode + "'");
        }
        var out = commandSpec.commandLine().getOut();
        if (json) {
            out.println(Json.GSON.newBuilder().create().toJson(Map.of(
                    "model", r.model(), "mode", r.mode(), "batch_size", r.batchSize(), "images_per_sec", round(r.imagesPerSec()),
                    "min", round(r.min()), "max", round(r.max()), "peak_rss_mb", round(r.peakRssMb()), "breakdown", r.breakdown(),
                    "iters", r.iters())));
        } else {
            out.printf(Locale.ROOT, "%s %s, batch %d: %.1f images/s (min %.1f, max %.1f over %d iterations), peak RSS %.0f MB%n",
                    r.model(), r.mode(), r.batchSize(), r.imagesPerSec(), r.min(), r.max(), r.iters(), r.peakRssMb());
            StringBuilder b = new StringBuilder("time:");
            r.breakdown().forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.0f%%", k, 100 * v)));
            out.println(b);
        }
        out.flush();
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
