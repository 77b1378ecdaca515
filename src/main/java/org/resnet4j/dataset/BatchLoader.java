package org.resnet4j.dataset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;

/**
 * One epoch of batches: worker threads decode, augment and normalise the next batches into float
 * arrays while the caller computes; the caller's thread turns each into NDArrays.
 *
 * <p>Epoch {@code e}'s order and every random crop and flip depend only on {@code (seed, e)} and the
 * batch index, never on thread timing: a run resumed at an epoch boundary sees exactly the same data.
 */
public final class BatchLoader implements Iterator<Batch>, AutoCloseable {
    private final ImageSet set;
    private final Normalization norm;
    private final Augmentation aug;
    private final int batchSize;
    private final long seed;
    private final int epoch;
    private final NDManager manager;
    private final int[] order;
    private final int batches;
    private final ExecutorService workers;
    private final ThreadLocal<ImageTransform> transforms;
    private final Slot[] slots;
    private final ArrayDeque<Future<Slot>> inFlight = new ArrayDeque<>();
    private final int imageFloats;
    private final Shape imageShape;
    private int nextToHand;
    private int nextToSubmit;

    /**
     * A reusable output area for one batch: floats computed in a heap array, then copied in bulk to
     * a direct buffer that the caller's thread wraps and clones into a tensor, so no native memory is
     * allocated per batch (per-batch direct buffers cost ~5 ms each in page faults and GC).
     */
    private static final class Slot {
        final float[] images;
        final ByteBuffer direct;
        final long[] labels;
        int size;

        Slot(int batchSize, int imageFloats) {
            images = new float[batchSize * imageFloats];
            direct = ByteBuffer.allocateDirect(images.length * Float.BYTES).order(ByteOrder.nativeOrder());
            labels = new long[batchSize];
        }
    }

    public BatchLoader(ImageSet set, Normalization norm, Augmentation aug, int batchSize, boolean shuffle, boolean dropLast,
            long seed, int epoch, NDManager manager, int workerThreads) {
        if (batchSize <= 0) {
            throw new UsageException("--batch-size must be positive, not " + batchSize);
        }
        this.set = set;
        this.norm = norm;
        this.aug = aug;
        this.batchSize = batchSize;
        this.seed = seed;
        this.epoch = epoch;
        this.manager = manager;
        ImageTransform probe = new ImageTransform(set.channels(), set.height(), set.width(), norm, aug); // validates shapes
        this.imageFloats = probe.outFloats();
        this.imageShape = new Shape(probe.outChannels(), probe.outHeight(), probe.outWidth());
        this.order = order(set.size(), shuffle, seed, epoch);
        this.batches = dropLast ? set.size() / batchSize : (set.size() + batchSize - 1) / batchSize;
        int threads = Math.max(1, workerThreads);
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "resnet4j-loader");
            t.setDaemon(true);
            return t;
        });
        this.transforms = ThreadLocal.withInitial(() -> new ImageTransform(set.channels(), set.height(), set.width(), norm, aug));
        this.slots = new Slot[threads + 2]; // bounded prefetch: every worker busy plus two batches ready
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(batchSize, imageFloats);
        }
        while (nextToSubmit < Math.min(batches, slots.length)) {
            submit();
        }
    }

    public int batchesPerEpoch() {
        return batches;
    }

    @Override
    public boolean hasNext() {
        return nextToHand < batches;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has " + batches + " batches");
        }
        Future<Slot> future = inFlight.poll();
        Slot slot;
        try {
            slot = future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResNet4jException("interrupted while loading data");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
        int n = slot.size;
        slot.direct.clear().limit(n * imageFloats * Float.BYTES);
        NDArray images;
        // The engine wraps a direct buffer without copying: clone it into memory the tensor owns. The
        // floats are NHWC; the NCHW view of them is "channels-last", a layout the engine's
        // convolutions keep through the network and run faster in than NCHW.
        try (NDArray view = manager.create(slot.direct, new Shape(n, imageShape.get(1), imageShape.get(2), imageShape.get(0)),
                DataType.FLOAT32);
                NDArray owned = view.duplicate()) {
            images = owned.transpose(0, 3, 1, 2); // the view keeps the storage when 'owned' closes
        }
        NDArray labels = manager.create(Arrays.copyOf(slot.labels, n));
        nextToHand++;
        if (nextToSubmit < batches) {
            submit(); // the slot just copied into NDArrays is free again
        }
        return new Batch(images, labels, n);
    }

    private void submit() {
        int b = nextToSubmit++;
        Slot slot = slots[b % slots.length];
        inFlight.add(workers.submit(() -> fill(b, slot)));
    }

    /** Prepares batch {@code b}: its own random stream makes it independent of which thread runs it. */
    private Slot fill(int b, Slot slot) {
        ImageTransform t = transforms.get();
        SplittableRandom random = new SplittableRandom(mix(seed, epoch, b + 1L));
        int from = b * batchSize;
        int n = Math.min(batchSize, order.length - from);
        byte[] pixels = set.pixels();
        int[] labels = set.labels();
        for (int i = 0; i < n; i++) {
            int image = order[from + i];
            t.apply(pixels, image, random, slot.images, i * imageFloats);
            slot.labels[i] = labels[image];
        }
        slot.direct.clear();
        slot.direct.asFloatBuffer().put(slot.images, 0, n * imageFloats);
        slot.size = n;
        return slot;
    }

    /** The epoch's image order: a seeded shuffle, or the stored order. */
    static int[] order(int n, boolean shuffle, long seed, int epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom random = new SplittableRandom(mix(seed, epoch, 0));
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /** A well-spread 64-bit seed from (seed, epoch, stream) (SplitMix64 finaliser). */
    static long mix(long seed, long epoch, long stream) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch * 0x100000001B3L + stream + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Stops the workers, also mid-epoch; batches already handed out stay valid. */
    @Override
    public void close() {
        inFlight.forEach(f -> f.cancel(true));
        inFlight.clear();
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "BatchLoader[" + set.name() + ", " + norm + ", " + aug + ", epoch " + epoch + "]";
    }
}
