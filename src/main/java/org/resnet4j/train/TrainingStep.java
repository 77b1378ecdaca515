package org.resnet4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.resnet4j.model.ResNetModel;

/**
 * One optimisation step (forward, cross-entropy, backward, update) and the inference-mode loss:
 * the hot path that training and the benchmark share. Records the time of each phase.
 */
public final class TrainingStep {
    private final ResNetModel model;
    private final Optimizer optimizer;
    private final ParameterStore ps;
    private final NDManager manager;
    /** Cumulative nanoseconds in forward (with the loss), backward and optimizer update. */
    private long forwardNanos;
    private long backwardNanos;
    private long updateNanos;

    /** The result of a step: mean loss, wrong top-1 predictions, batch size. */
    public record Outcome(float loss, long wrong, int size) {}

    public TrainingStep(ResNetModel model, Optimizer optimizer) {
        this.model = model;
        this.optimizer = optimizer;
        this.manager = model.manager();
        this.ps = new ParameterStore(manager, false);
    }

    /**
     * Trains on one batch; the arrays are closed afterwards. Does not update when the loss is not
     * finite (the caller reports divergence).
     */
    public Outcome train(NDArray images, NDArray labels, double lr) {
        try (NDManager scope = manager.newSubManager()) {
            images.attach(scope);
            labels.attach(scope);
            long t0 = System.nanoTime();
            float loss;
            long wrong;
            try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                NDArray logits = model.block().forward(ps, new NDList(images), true).singletonOrThrow();
                NDArray l = crossEntropy(logits, labels);
                long t1 = System.nanoTime();
                forwardNanos += t1 - t0;
                gc.backward(l);
                loss = l.getFloat();
                wrong = logits.argMax(1).neq(labels).sum().getLong();
                backwardNanos += System.nanoTime() - t1;
            }
            if (Float.isFinite(loss)) {
                long t2 = System.nanoTime();
                optimizer.step(lr);
                updateNanos += System.nanoTime() - t2;
            }
            return new Outcome(loss, wrong, (int) images.getShape().get(0));
        }
    }

    /** Inference-mode loss and wrong predictions on one batch; the arrays are closed afterwards. */
    public Outcome evaluate(NDArray images, NDArray labels) {
        try (NDManager scope = manager.newSubManager()) {
            images.attach(scope);
            labels.attach(scope);
            NDArray logits = model.logits(images);
            return new Outcome(crossEntropy(logits, labels).getFloat(), logits.argMax(1).neq(labels).sum().getLong(),
                    (int) images.getShape().get(0));
        }
    }

    /** Seconds spent so far in {forward, backward, update}. */
    public double[] phaseSeconds() {
        return new double[] {forwardNanos / 1e9, backwardNanos / 1e9, updateNanos / 1e9};
    }

    /** Mean softmax cross-entropy, as PyTorch's {@code F.cross_entropy}. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logp = logits.logSoftmax(1);
        NDArray picked = logp.mul(labels.oneHot((int) logits.getShape().get(1))).sum(new int[] {1});
        return picked.neg().mean();
    }
}
