package org.resnet4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.resnet4j.ResNet4jException;
import org.resnet4j.dataset.Batch;
import org.resnet4j.dataset.BatchLoader;
import org.resnet4j.dataset.Pipeline;
import org.resnet4j.dataset.Samples;
import org.resnet4j.dataset.LoaderBenchmark;
import org.resnet4j.dataset.Normalization;
import org.resnet4j.model.Precision;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNetSpec;
import org.resnet4j.train.Optimizer;
import org.resnet4j.train.TrainingStep;

/**
 * Throughput of the training step and of inference on a fixed random batch: median images/s over
 * the measured iterations after warm-up, with the slowest and fastest iteration, peak resident
 * memory, and where the time goes.
 */
public final class Benchmark {
    private Benchmark() {}

    /** What one benchmark measured; {@code breakdown} holds fractions of the measured time. */
    public record Result(String model, String mode, int batchSize, double imagesPerSec, double min, double max,
            double peakRssMb, Map<String, Double> breakdown, int iters, double seconds) {}

    /**
     * Training steps (forward, loss, backward, SGD with momentum) on one random batch, the model computing in
     * {@code precision}.
     *
     * @param profile where to write a Chrome trace of the measured iterations recorded by PyTorch's
     *     profiler (null: no profiling; the profiler slows every operation, so the timings of a
     *     profiled run are not comparable)
     */
    public static Result train(ResNetSpec spec, Precision precision, int batchSize, int warmup, int iters, Path profile) {
        try (ResNetModel model = ResNetModel.create(spec, 0)) {
            model.setPrecision(precision);
            Map<String, Parameter> trainable = model.trainableParameters();
            try (Optimizer sgd = Optimizer.create("sgd", model.manager(), trainable, 0.9, 1e-4)) {
                TrainingStep step = new TrainingStep(model, sgd);
                NDManager m = model.manager();
                NDArray x = input(m, spec, batchSize);
                NDArray y = m.randomInteger(0, spec.classes(), new Shape(batchSize), DataType.INT64);
                double[] seconds = new double[iters];
                double[] before = null;
                for (int i = -warmup; i < iters; i++) {
                    if (i == 0) {
                        before = step.phaseSeconds();
                        startProfile(profile);
                    }
                    NDArray images = x.duplicate(); // the step closes its inputs; copying them is not training
                    NDArray labels = y.duplicate();
                    long t0 = System.nanoTime();
                    step.train(images, labels, 0.01);
                    if (i >= 0) {
                        seconds[i] = (System.nanoTime() - t0) / 1e9;
                    }
                }
                stopProfile(profile);
                double[] after = step.phaseSeconds();
                double total = Arrays.stream(seconds).sum();
                Map<String, Double> breakdown = new LinkedHashMap<>();
                breakdown.put("data", 0.0);
                breakdown.put("forward", (after[0] - before[0]) / total);
                breakdown.put("backward", (after[1] - before[1]) / total);
                breakdown.put("optimizer", (after[2] - before[2]) / total);
                breakdown.put("other", 1 - (after[0] + after[1] + after[2] - before[0] - before[1] - before[2]) / total);
                return result(spec, "train", batchSize, seconds, breakdown);
            }
        }
    }

    /** Inference-mode forward passes on one random batch; {@code profile} as for {@link #train}. */
    public static Result infer(ResNetSpec spec, Precision precision, int batchSize, int warmup, int iters, Path profile) {
        try (ResNetModel model = ResNetModel.create(spec, 0)) {
            model.setPrecision(precision);
            NDManager m = model.manager();
            NDArray x = input(m, spec, batchSize);
            double[] seconds = new double[iters];
            for (int i = -warmup; i < iters; i++) {
                if (i == 0) {
                    startProfile(profile);
                }
                long t0 = System.nanoTime();
                try (NDManager scope = m.newSubManager()) {
                    NDArray logits = model.logits(x);
                    logits.attach(scope);
                    logits.toFloatArray(); // wait for the result, as a caller would
                }
                if (i >= 0) {
                    seconds[i] = (System.nanoTime() - t0) / 1e9;
                }
            }
            stopProfile(profile);
            return result(spec, "infer", batchSize, seconds, Map.of("forward", 1.0));
        }
    }

    /**
     * One real training epoch end to end: the preset's training transforms on the training split,
     * batches prepared by the loader while the model computes, SGD with momentum. Loading (decoding a
     * fixed-size set, indexing a folder of photos) happens once per run and is not part of the epoch.
     */
    public static Result epoch(ResNetSpec spec, Precision precision, Samples train, Pipeline pipeline, int batchSize, int workers, int limitBatches) {
        try (ResNetModel model = ResNetModel.create(spec, 0)) {
            model.setPrecision(precision);
            Map<String, Parameter> trainable = model.trainableParameters();
            try (Optimizer sgd = Optimizer.create("sgd", model.manager(), trainable, 0.9, 1e-4);
                    BatchLoader loader = new BatchLoader(train, pipeline, batchSize, true, false, 0, 1,
                            model.manager(), workers)) {
                TrainingStep step = new TrainingStep(model, sgd);
                int batches = limitBatches > 0 ? Math.min(limitBatches, loader.batchesPerEpoch()) : loader.batchesPerEpoch();
                double[] seconds = new double[batches];
                long waiting = 0;
                long start = System.nanoTime();
                for (int i = 0; i < batches; i++) {
                    long t0 = System.nanoTime();
                    Batch b = loader.next();
                    long t1 = System.nanoTime();
                    waiting += t1 - t0;
                    step.train(b.images(), b.labels(), 0.1);
                    seconds[i] = (System.nanoTime() - t0) / 1e9;
                }
                double wall = (System.nanoTime() - start) / 1e9;
                double[] phases = step.phaseSeconds();
                Map<String, Double> breakdown = new LinkedHashMap<>();
                breakdown.put("data", waiting / 1e9 / wall);
                breakdown.put("forward", phases[0] / wall);
                breakdown.put("backward", phases[1] / wall);
                breakdown.put("optimizer", phases[2] / wall);
                breakdown.put("other", 1 - (waiting / 1e9 + phases[0] + phases[1] + phases[2]) / wall);
                Result perBatch = result(spec, "epoch", batchSize, seconds, breakdown);
                int images = Math.min(train.size(), batches * batchSize);
                return new Result(spec.name(), "epoch", batchSize, images / wall, perBatch.min(), perBatch.max(), peakRssMb(),
                        breakdown, batches, wall);
            }
        }
    }

    /** The data loader alone: decoded, transformed, normalised batches per second with {@code workers} threads. */
    public static Result data(Samples train, Pipeline pipeline, int batchSize, int workers, int batches) {
        LoaderBenchmark.Result r = LoaderBenchmark.run(train, pipeline, batchSize, workers, batches);
        double[] repeats = r.repeats().clone();
        Arrays.sort(repeats);
        return new Result(train.name(), "data", batchSize, r.imagesPerSecond(), repeats[0], repeats[repeats.length - 1],
                peakRssMb(), Map.of("data", 1.0), batches, batches * batchSize / r.imagesPerSecond());
    }

    private static void startProfile(Path profile) {
        if (profile != null) {
            JniUtils.startProfile(false, true, false); // CPU only, with input shapes, without memory
        }
    }

    private static void stopProfile(Path profile) {
        if (profile != null) {
            Path partial = profile.resolveSibling(profile.getFileName() + ".part");
            JniUtils.stopProfile(partial.toString());
            try {
                Files.move(partial, profile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new ResNet4jException("--profile: cannot write " + profile + ": " + e.getMessage());
            }
        }
    }

    /** A random batch laid out as the data loader lays out images: NCHW, channels-last in memory. */
    static NDArray input(NDManager m, ResNetSpec spec, int batchSize) {
        return m.randomNormal(new Shape(batchSize, spec.inputHeight(), spec.inputWidth(), spec.inputChannels()))
                .transpose(0, 3, 1, 2);
    }

    static Result result(ResNetSpec spec, String mode, int batchSize, double[] seconds, Map<String, Double> breakdown) {
        double[] rates = Arrays.stream(seconds).map(s -> batchSize / s).sorted().toArray();
        return new Result(spec.name(), mode, batchSize, median(rates), rates[0], rates[rates.length - 1], peakRssMb(),
                breakdown, seconds.length, Arrays.stream(seconds).sum());
    }

    public static double median(double[] sorted) {
        double[] s = sorted.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * The memory allocator this process runs on: "tcmalloc (release rate R)" where the launcher preloaded it
     * (see {@code ./resnet4j}; R is {@code TCMALLOC_RELEASE_RATE}, which the launcher sets to 0, or "default"),
     * else "glibc malloc"; "unknown" where /proc is not available. PyTorch baselines must run on the same one
     * (bench/pytorch/allocator.py).
     */
    public static String allocator() {
        try {
            if (!Files.readString(Path.of("/proc/self/maps")).contains("tcmalloc")) {
                return "glibc malloc";
            }
            String rate = System.getenv("TCMALLOC_RELEASE_RATE");
            return "tcmalloc (release rate " + (rate == null || rate.isBlank() ? "default" : rate.trim()) + ")";
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The process's peak resident set (VmHWM), in MB; 0 where /proc is not available. */
    public static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: report 0
        }
        return 0;
    }
}
