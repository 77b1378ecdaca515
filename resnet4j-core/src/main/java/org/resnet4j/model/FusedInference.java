package org.resnet4j.model;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.resnet4j.util.TorchScript;

/**
 * A network's inference pass loaded as one program of oneDNN's fused convolutions ({@link
 * InferenceScript} writes it). Its {@code fold} method turns the parameters into the operands of the
 * pass (BN folded into the convolutions, cast to the compute precision); {@code forward} and {@code
 * features} compute with them. Weights that do not change are folded once and the operands kept;
 * a model in training folds at every call.
 *
 * <p>Callers may compute from several threads at once; dropping the kept operands or closing the
 * program waits until no computation uses them.
 */
final class FusedInference implements AutoCloseable {
    private final PtSymbolBlock program;
    /** The parameters {@code fold} reads, in the order of its list. */
    private final List<Parameter> parameters;
    private final Precision precision;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    /** The folded operands while the weights stay fixed; null until needed. */
    private IValue kept;
    private boolean closed;

    private FusedInference(PtSymbolBlock program, List<Parameter> parameters, Precision precision) {
        this.program = program;
        this.parameters = List.copyOf(parameters);
        this.precision = precision;
    }

    /**
     * Loads module class {@code name} with {@code methods} (TorchScript source) into {@code manager}; it
     * reads {@code parameters}. Throws the engine's exception where the engine cannot compile it.
     */
    static FusedInference load(String name, String methods, List<Parameter> parameters, Precision precision,
            NDManager manager) {
        return new FusedInference(TorchScript.load(manager, name, methods), parameters, precision);
    }

    /** The engine's reason for an exception: the last line of its message (TorchScript puts a traceback first). */
    static String reason(EngineException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage().strip().lines().reduce((a, b) -> b).orElse("");
    }

    /** The precision the program computes in. */
    Precision precision() {
        return precision;
    }

    /**
     * Logits (N, classes) of a batch (N, C, H, W), float32, owned by the images' manager. {@code
     * weightsFixed}: the parameters have not changed since the operands were last kept, so they still
     * hold; otherwise the call folds its own.
     */
    NDArray logits(NDArray images, boolean weightsFixed) {
        return run("forward", images, weightsFixed);
    }

    /** The pooled features (N, C) the classifier sees, float32, owned by the images' manager; as {@link #logits}. */
    NDArray features(NDArray images, boolean weightsFixed) {
        return run("features", images, weightsFixed);
    }

    /** Drops the kept operands: the parameters changed. */
    void forgetOperands() {
        replaceWeights(() -> { });
    }

    /**
     * Runs {@code assign}, which replaces the parameters' tensors, while no computation reads them
     * (replacing a tensor frees the old one), and drops the kept operands.
     */
    void replaceWeights(Runnable assign) {
        lock.writeLock().lock();
        try {
            assign.run();
            if (kept != null) {
                kept.close();
                kept = null;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Frees the kept operands and the program (an {@link IValue} belongs to no manager). */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                if (kept != null) {
                    kept.close();
                    kept = null;
                }
                program.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private NDArray run(String method, NDArray images, boolean weightsFixed) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new EngineException("the fused inference program was closed");
            }
            IValue operands = weightsFixed ? keptOperands() : fold();
            try (IValue x = IValue.from((PtNDArray) images); IValue out = IValueUtils.runMethod(program, method, x, operands)) {
                return out.toTensor((PtNDManager) images.getManager());
            } finally {
                if (!weightsFixed) {
                    operands.close();
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The kept operands, folded at the first call that needs them (under the read lock). */
    private synchronized IValue keptOperands() {
        if (kept == null) {
            kept = fold();
        }
        return kept;
    }

    /** The operands of the pass from the parameters' current values. */
    private IValue fold() {
        PtNDArray[] arrays = new PtNDArray[parameters.size()];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = (PtNDArray) parameters.get(i).getArray();
        }
        try (IValue ws = IValue.listFrom(arrays)) {
            return IValueUtils.runMethod(program, "fold", ws);
        }
    }
}
