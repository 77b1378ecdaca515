package org.resnet4j.dataset;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.resnet4j.util.Devices;

/** How many transformed, normalised images per second a {@link BatchLoader} delivers as NDArrays. */
public final class LoaderBenchmark {
    private static final int REPEATS = 5;

    /** The median of the repeats, and every repeat, in images per second. */
    public record Result(double imagesPerSecond, double[] repeats, int batchSize, int threads, int batches) {}

    private LoaderBenchmark() {}

    public static Result run(Samples set, Pipeline pipeline, int batchSize, int threads, int batches) {
        double[] rates = new double[REPEATS];
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu(), Devices.engine().getEngineName())) {
            runOnce(set, pipeline, batchSize, threads, Math.min(batches, 20), manager, 99); // warm-up: JIT, file cache
            for (int r = 0; r < REPEATS; r++) {
                rates[r] = runOnce(set, pipeline, batchSize, threads, batches, manager, r);
            }
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        return new Result(sorted[REPEATS / 2], rates, batchSize, threads, batches);
    }

    /** {@code bench/data-loader}: the paper's CIFAR-10 augmentation on a folder dataset, one worker thread. */
    public static void main(String[] args) {
        java.nio.file.Path data = java.nio.file.Path.of(args.length > 0 ? args[0] : "../shared/data/cifar10-jpeg.zip");
        long t0 = System.nanoTime();
        LoadedDataset d = Datasets.load("folder", data, new LoadOptions(false, 3, true, false));
        ImageSet train = d.trainImages();
        System.out.printf("loaded %d training images from %s in %.1f s%n", train.size(), data, (System.nanoTime() - t0) / 1e9);
        Normalization norm = Normalization.compute(train, Normalization.PER_PIXEL);
        Pipeline pipeline = Preset.named(Preset.CIFAR).train(3, train.height(), train.width(), norm, new Preset.Options(4, true, 0));
        Result r = run(train, pipeline, 128, 1, 300);
        System.out.printf("loader: %.0f images/s (median of %d repeats of %d batches of %d; pad 4 + crop + flip + per-pixel mean, 1 worker thread)%n",
                r.imagesPerSecond(), r.repeats().length, r.batches(), r.batchSize());
    }

    private static double runOnce(Samples set, Pipeline pipeline, int batchSize, int threads, int batches, NDManager manager,
            int epoch) {
        long start = System.nanoTime();
        int images = 0;
        int done = 0;
        while (done < batches) {
            try (BatchLoader loader = new BatchLoader(set, pipeline, batchSize, true, true, 42, epoch, manager, threads)) {
                if (!loader.hasNext()) {
                    throw new org.resnet4j.ResNet4jException(set.name() + ": fewer images (" + set.size() + ") than a batch ("
                            + batchSize + ")");
                }
                while (loader.hasNext() && done < batches) {
                    try (Batch b = loader.next()) {
                        images += b.size();
                    }
                    done++;
                }
            }
        }
        return images / ((System.nanoTime() - start) / 1e9);
    }
}
