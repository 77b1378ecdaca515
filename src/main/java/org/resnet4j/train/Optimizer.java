package org.resnet4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;
import org.resnet4j.model.HostTensor;

/**
 * An optimizer with PyTorch's update rules, holding its state (momentum buffers, Adam moments) as
 * NDArrays keyed by PyTorch parameter name so that checkpoints save and restore it exactly.
 * Updates are in place and outside any gradient recording.
 */
public abstract class Optimizer implements AutoCloseable {
    protected final NDManager manager;
    protected final Map<String, Parameter> params;
    protected final double weightDecay;
    protected long steps;

    protected Optimizer(NDManager parent, Map<String, Parameter> trainable, double weightDecay) {
        this.manager = parent.newSubManager();
        this.params = new LinkedHashMap<>(trainable);
        this.weightDecay = weightDecay;
    }

    /** {@code sgd}, {@code nesterov} or {@code adam}. */
    public static Optimizer create(String name, NDManager manager, Map<String, Parameter> trainable, double momentum,
            double weightDecay) {
        switch (name) {
            case "sgd": return new Sgd(manager, trainable, momentum, weightDecay, false);
            case "nesterov": return new Sgd(manager, trainable, momentum, weightDecay, true);
            case "adam": return new Adam(manager, trainable, 0.9, 0.999, 1e-8, weightDecay);
            default: throw new org.resnet4j.ResNet4jException("--optimizer: expected sgd, nesterov or adam, not '" + name + "'");
        }
    }

    /** One update of every parameter from its gradient at learning rate {@code lr}; then zeroes the gradients. */
    public final void step(double lr) {
        steps++;
        try (NDManager scope = manager.newSubManager()) {
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray w = e.getValue().getArray();
                NDArray g = w.getGradient();
                g.attach(scope); // the wrapper, not the storage: closing it keeps PyTorch's .grad
                update(e.getKey(), w, g, lr, scope);
                JniUtils.zeroGrad((PtNDArray) w);
            }
        }
    }

    /** Updates {@code w} in place; {@code g} is the raw gradient, owned by {@code scope}. */
    protected abstract void update(String name, NDArray w, NDArray g, double lr, NDManager scope);

    /** Moves a temporary result into {@code scope} (results land in their first operand's manager). */
    protected static NDArray in(NDManager scope, NDArray a) {
        a.attach(scope);
        return a;
    }

    /** The state to checkpoint: buffers by "NAME.KIND" (e.g. {@code conv1.weight.momentum_buffer}). */
    public abstract Map<String, HostTensor> state();

    /** Restores buffers saved by {@link #state()}. */
    public abstract void restore(Map<String, HostTensor> state, long steps);

    public long steps() {
        return steps;
    }

    protected static HostTensor host(NDArray a) {
        return new HostTensor(a.getShape().getShape(), a.toFloatArray());
    }

    protected NDArray device(HostTensor t) {
        return manager.create(t.data(), new ai.djl.ndarray.types.Shape(t.shape()));
    }

    @Override
    public void close() {
        manager.close();
    }
}
