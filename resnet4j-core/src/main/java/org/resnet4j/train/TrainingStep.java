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
    private final double labelSmoothing;
    /** Cumulative nanoseconds in forward (with the loss), backward and optimizer update. */
    private long forwardNanos;
    private long backwardNanos;
    private long updateNanos;

    /** The result of a step: mean loss, wrong top-1 predictions, batch size. */
    public record Outcome(float loss, long wrong, int size) {}

    /** A step that trains with plain cross-entropy. */
    public TrainingStep(ResNetModel model, Optimizer optimizer) {
        this(model, optimizer, 0);
    }

    /** A step whose training loss smooths the targets by {@code labelSmoothing} (see {@link TrainConfig}). */
    public TrainingStep(ResNetModel model, Optimizer optimizer, double labelSmoothing) {
        this.model = model;
        this.labelSmoothing = labelSmoothing;
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
                NDArray l = crossEntropy(logits, labels, labelSmoothing);
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

    /**
     * Inference-mode loss (plain cross-entropy, comparable across runs) and wrong predictions on
     * one batch; the arrays are closed afterwards.
     */
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
        return crossEntropy(logits, labels, 0);
    }

    /**
     * Mean softmax cross-entropy against targets that put {@code 1 - smoothing} on the label and
     * {@code smoothing / classes} on every class, as {@code F.cross_entropy(..., label_smoothing=smoothing)}.
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, double smoothing) {
        int classes = (int) logits.getShape().get(1);
        NDArray logp = logits.logSoftmax(1);
        NDArray target = labels.oneHot(classes);
        if (smoothing > 0) {
            target = target.muli(1 - smoothing).addi(smoothing / classes);
        }
        return logp.mul(target).sum(new int[] {1}).neg().mean();
    }
}
