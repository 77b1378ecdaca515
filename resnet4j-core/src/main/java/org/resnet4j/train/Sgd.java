package org.resnet4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.resnet4j.model.HostTensor;

/**
 * SGD with momentum exactly as {@code torch.optim.SGD} (dampening 0): {@code g = grad + wd*w;
 * v = momentum*v + g; w -= lr*v}, or with Nesterov {@code w -= lr*(g + momentum*v)}. Weight decay
 * applies to every parameter, as in the paper.
 */
public final class Sgd extends Optimizer {
    private static final String BUFFER = "momentum_buffer";
    private final double momentum;
    private final boolean nesterov;
    private NDArray buffer;

    public Sgd(NDManager manager, Map<String, Parameter> trainable, double momentum, double weightDecay, boolean nesterov) {
        super(manager, trainable, weightDecay);
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(NDArray w, NDArray g, double lr, NDManager scope) {
        if (weightDecay != 0) {
            g.addi(in(scope, w.mul(weightDecay)));
        }
        NDArray step = g;
        if (momentum != 0) {
            if (buffer == null) {
                buffer = owned(g.duplicate()); // PyTorch: the first buffer is a copy of the gradient
            } else {
                buffer.muli(momentum).addi(g);
            }
            step = nesterov ? g.addi(in(scope, buffer.mul(momentum))) : buffer;
        }
        w.subi(lrTimes(step, lr, scope));
    }

    @Override
    public Map<String, HostTensor> state() {
        return buffer == null ? Map.of() : params.split(buffer, BUFFER, new LinkedHashMap<>());
    }

    @Override
    public void restore(Map<String, HostTensor> state, long steps) {
        checkKeys(state, BUFFER);
        NDArray restored = owned(params.join(state, BUFFER, manager));
        if (buffer != null) {
            buffer.close();
        }
        buffer = restored;
        params.repack();
        this.steps = steps;
    }
}
