package org.resnet4j.dataset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.ref.SoftReference;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One epoch of batches: worker threads decode and transform the next batches ({@link Pipeline})
 * into float arrays while the caller computes; the caller's thread turns each into NDArrays. Memory
 * holds the batches in flight (workers + 2), whatever the size of the data set.
 *
 * <p>Epoch {@code e}'s order depends only on {@code (seed, e)}, and every random parameter of image
 * {@code i} only on {@code (seed, e, i)}, never on thread timing or batch composition: a run resumed
 * at any batch sees exactly the same data.
 *
 * <p>With ten-crop testing ({@link Pipeline#views()} 10) a batch of N images holds 10N views, image
 * by image; its labels stay N.
 */
public final class BatchLoader implements Iterator<Batch>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchLoader.class);

    private final Samples set;
    private final Pipeline pipeline;
    private final int batchSize;
    private final long seed;
    private final int epoch;
    private final NDManager manager;
    private final int[] order;
    private final int batches;
    private final ExecutorService workers;
    private final Slot[] slots;
    private final ArrayDeque<Future<Slot>> inFlight = new ArrayDeque<>();
    private final int imageFloats;
    private final AtomicInteger skipped = new AtomicInteger();
    private int nextToHand;
    private int nextToSubmit;
    private boolean closed;

    /**
     * The slots of the last loader closed, for the next loader of the same batch shape (the next epoch,
     * an evaluation pass after another): a slot is twice a batch of floats (2 x 77 MB for 128 images at
     * 224x224), whose allocation, first touch and copying by the garbage collector cost more than the
     * loader's decoding on small data sets (11% of a loader benchmark's time went to GC pauses). Softly
     * held: a JVM short of heap drops them.
     */
    private static final ArrayDeque<SoftReference<Slot>> SPARE = new ArrayDeque<>();

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

        boolean fits(int batchSize, int imageFloats) {
            return labels.length == batchSize && images.length == batchSize * imageFloats;
        }

        /** A spare slot of this shape, else a new one; spares of another shape are dropped on the way. */
        static Slot take(int batchSize, int imageFloats) {
            synchronized (SPARE) {
                while (!SPARE.isEmpty()) {
                    Slot spare = SPARE.poll().get();
                    if (spare != null && spare.fits(batchSize, imageFloats)) {
                        return spare;
                    }
                }
            }
            return new Slot(batchSize, imageFloats);
        }

        /** Keeps {@code slots}, which no thread writes any more, for the next loader, in place of the spares. */
        static void keep(Slot[] slots) {
            synchronized (SPARE) {
                SPARE.clear();
                for (Slot slot : slots) {
                    SPARE.add(new SoftReference<>(slot));
                }
            }
        }
    }

    public BatchLoader(Samples set, Pipeline pipeline, int batchSize, boolean shuffle, boolean dropLast, long seed, int epoch,
            NDManager manager, int workerThreads) {
        if (batchSize <= 0) {
            throw new UsageException("--batch-size must be positive, not " + batchSize);
        }
        this.set = set;
        this.pipeline = pipeline;
        this.batchSize = batchSize;
        this.seed = seed;
        this.epoch = epoch;
        this.manager = manager;
        this.imageFloats = pipeline.outFloats();
        this.order = order(set.size(), shuffle, seed, epoch);
        this.batches = dropLast ? set.size() / batchSize : (set.size() + batchSize - 1) / batchSize;
        int threads = Math.max(1, workerThreads);
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "resnet4j-loader");
            t.setDaemon(true);
            return t;
        });
        this.slots = new Slot[threads + 2]; // bounded prefetch: every worker busy plus two batches ready
        for (int i = 0; i < slots.length; i++) {
            slots[i] = Slot.take(batchSize, imageFloats);
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
        int views = pipeline.views();
        slot.direct.clear().limit(n * imageFloats * Float.BYTES);
        NDArray images = Pipeline.channelsLast(manager, slot.direct,
                new Shape((long) n * views, pipeline.height(), pipeline.width(), pipeline.channels()));
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

    /** Prepares batch {@code b}; image i's own random stream makes it independent of which thread runs it. */
    private Slot fill(int b, Slot slot) {
        int from = b * batchSize;
        int n = Math.min(batchSize, order.length - from);
        int k = 0;
        for (int i = 0; i < n; i++) {
            int image = order[from + i];
            SplittableRandom random = new SplittableRandom(mix(seed, epoch, image + 1L));
            try {
                pipeline.apply(set, image, random, slot.images, k * imageFloats);
            } catch (ImageDecodeException e) {
                if (!(set instanceof ImageFiles files) || !files.skipBad()) {
                    throw new ResNet4jException(e.getMessage() + "; use --skip-bad to skip such images");
                }
                files.markBad(image);
                skipped.incrementAndGet();
                continue;
            }
            slot.labels[k++] = set.label(image);
        }
        if (k == 0) {
            throw new ResNet4jException(set.name() + ": no image of batch " + (b + 1) + " decodes");
        }
        slot.direct.clear();
        slot.direct.asFloatBuffer().put(slot.images, 0, k * imageFloats);
        slot.size = k;
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
        if (closed) {
            return; // its slots may already serve another loader
        }
        closed = true;
        inFlight.forEach(f -> f.cancel(true));
        inFlight.clear();
        workers.shutdownNow();
        try {
            if (workers.awaitTermination(5, TimeUnit.SECONDS)) {
                Slot.keep(slots);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (skipped.get() > 0) {
            LOG.warn("skipped {} undecodable image(s) of {} (--skip-bad)", skipped.get(), set.name());
        }
    }

    @Override
    public String toString() {
        return "BatchLoader[" + set.name() + ", " + pipeline + ", epoch " + epoch + "]";
    }
}
