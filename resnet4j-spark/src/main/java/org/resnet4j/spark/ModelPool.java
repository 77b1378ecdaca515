package org.resnet4j.spark;

import java.nio.file.Path;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.resnet4j.model.Precision;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.util.Devices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loaded models of this JVM (an executor's), one per task running at the same time: a task
 * borrows one for its partition and gives it back when it ends, so later tasks and partitions reuse
 * it and an executor with C cores never holds more than C copies. Models stay loaded for the life
 * of the JVM, which is the life of the executor.
 */
final class ModelPool {
    private static final Logger LOG = LoggerFactory.getLogger(ModelPool.class);
    private static final Map<Path, Deque<ResNetModel>> IDLE = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ModelPool() {}

    /**
     * An idle model from {@code dir}, or a newly loaded one. {@code threads}: the engine's threads
     * per task ({@code spark.task.cpus}). Set on every borrow, from the task's own thread: the
     * engine's OpenMP thread count belongs to the thread that sets it, and a thread that never set
     * it (each of Spark's task threads) would use every core, so that concurrent tasks oversubscribe them.
     * {@code precision}: set on every borrow too (jobs of one JVM may ask for different ones); where the
     * executor's CPU lacks bfloat16 arithmetic, bf16 logs one warning and computes in fp32.
     */
    static ResNetModel borrow(Path dir, int threads, Precision precision) {
        Devices.configure(threads);
        ResNetModel model = IDLE.computeIfAbsent(dir, d -> new ConcurrentLinkedDeque<>()).pollFirst();
        if (model != null) {
            model.setPrecision(precision.on(model.manager().getDevice(), LOG::warn));
            return model;
        }
        long start = System.nanoTime();
        model = ResNetModel.load(dir);
        model.setPrecision(precision.on(model.manager().getDevice(), LOG::warn));
        int n = LOADS.incrementAndGet();
        LOG.info("resnet4j-spark: loaded model {} ({} in this JVM, pid {}, {} engine threads) in {} ms", dir, n,
                ProcessHandle.current().pid(), threads, (System.nanoTime() - start) / 1_000_000);
        return model;
    }

    /** Gives a borrowed model back for the next task. */
    static void release(Path dir, ResNetModel model) {
        IDLE.get(dir).addFirst(model);
    }

    /** How many models this JVM has loaded: 0 on a driver that only plans the job. */
    static int loads() {
        return LOADS.get();
    }
}
