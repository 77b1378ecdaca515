package org.resnet4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.model.HostTensor;

/**
 * An optimizer with PyTorch's update rules. It updates all parameters at once, as one flat array
 * ({@link FlatParameters}), and holds its state (momentum buffers, Adam moments) flat in the same
 * order; checkpoints save and restore that state per PyTorch parameter name, exactly. Updates are
 * in place and outside any gradient recording.
 */
public abstract class Optimizer implements AutoCloseable {
    protected final NDManager manager;
    protected final FlatParameters params;
    protected final double weightDecay;
    protected long steps;
    /** Per element, its parameter group's learning-rate factor; null when every factor is 1. */
    private NDArray lrScale;

    protected Optimizer(NDManager parent, Map<String, Parameter> trainable, double weightDecay) {
        this.manager = parent.newSubManager();
        this.params = new FlatParameters(manager, trainable);
        this.weightDecay = weightDecay;
    }

    /** {@code sgd}, {@code nesterov} or {@code adam}. */
    public static Optimizer create(String name, NDManager manager, Map<String, Parameter> trainable, double momentum,
            double weightDecay) {
        switch (name) {
            case "sgd": return new Sgd(manager, trainable, momentum, weightDecay, false);
            case "nesterov": return new Sgd(manager, trainable, momentum, weightDecay, true);
            case "adam": return new Adam(manager, trainable, 0.9, 0.999, 1e-8, weightDecay);
            default: throw new UsageException("--optimizer: expected sgd, nesterov or adam, not '" + name + "'");
        }
    }

    /**
     * An optimizer over parameter groups: the trainable parameters of {@code groups}, each at its
     * group's fraction of the learning rate (frozen parameters are not in it).
     */
    public static Optimizer create(String name, NDManager manager, ParameterGroups groups, double momentum,
            double weightDecay) {
        Optimizer o = create(name, manager, groups.trainable(), momentum, weightDecay);
        if (groups.scaled()) {
            o.lrScale = o.owned(o.params.perElement(groups.lrScale(), o.manager));
        }
        return o;
    }

    /** One update of every parameter from its gradient at learning rate {@code lr}; then zeroes the gradients. */
    public final void step(double lr) {
        steps++;
        try (NDManager scope = manager.newSubManager()) {
            NDArray g = params.gradients(scope);
            update(params.weights(), g, lr, scope);
            params.zeroGradients();
        }
    }

    /**
     * Updates {@code w}, all parameters as one flat array, in place from {@code g}, all gradients
     * in the same order; {@code g} is a temporary owned by {@code scope} and may be overwritten.
     */
    protected abstract void update(NDArray w, NDArray g, double lr, NDManager scope);

    /**
     * {@code step * lr}, times each parameter's learning-rate factor where the groups have them
     * (PyTorch's per-group {@code lr}); a temporary of {@code scope}.
     */
    protected final NDArray lrTimes(NDArray step, double lr, NDManager scope) {
        NDArray s = in(scope, step.mul(lr));
        return lrScale == null ? s : s.muli(lrScale);
    }

    /** Moves a temporary result into {@code scope} (results land in their first operand's manager). */
    protected static NDArray in(NDManager scope, NDArray a) {
        a.attach(scope);
        return a;
    }

    /** The state to checkpoint: buffers by "NAME.KIND" (e.g. {@code conv1.weight.momentum_buffer}). */
    public abstract Map<String, HostTensor> state();

    /**
     * Restores buffers saved by {@link #state()}; call it after loading the weights they belong to
     * (it makes the loaded parameters views of the flat buffer again).
     */
    public abstract void restore(Map<String, HostTensor> state, long steps);

    /** Rejects saved state with keys other than {@code NAME.KIND} for this optimizer's parameters and kinds. */
    protected void checkKeys(Map<String, HostTensor> state, String... kinds) {
        Set<String> known = new HashSet<>();
        for (String kind : kinds) {
            known.addAll(params.keys(kind));
        }
        for (String key : state.keySet()) {
            if (!known.contains(key)) {
                throw new ResNet4jException("optimizer state has '" + key + "', which this " + getClass().getSimpleName()
                        + " does not know");
            }
        }
    }

    /** A flat state buffer owned by this optimizer, or null. */
    protected NDArray owned(NDArray a) {
        if (a != null) {
            a.attach(manager);
        }
        return a;
    }

    public long steps() {
        return steps;
    }

    @Override
    public void close() {
        params.close();
        manager.close();
    }
}
