package org.resnet4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.resnet4j.ResNet4jException;
import org.resnet4j.model.HostTensor;

/**
 * SGD with momentum exactly as {@code torch.optim.SGD} (dampening 0): {@code g = grad + wd*w;
 * v = momentum*v + g; w -= lr*v}, or with Nesterov {@code w -= lr*(g + momentum*v)}. Weight decay
 * applies to every parameter, as in the paper.
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final boolean nesterov;
    private final Map<String, NDArray> buffers = new HashMap<>();

    public Sgd(NDManager manager, Map<String, Parameter> trainable, double momentum, double weightDecay, boolean nesterov) {
        super(manager, trainable, weightDecay);
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(String name, NDArray w, NDArray g, double lr, NDManager scope) {
        if (weightDecay != 0) {
            g.addi(in(scope, w.mul(weightDecay)));
        }
        NDArray step = g;
        if (momentum != 0) {
            NDArray v = buffers.get(name);
            if (v == null) {
                v = g.duplicate(); // PyTorch: the first buffer is a copy of the gradient
                v.attach(manager);
                buffers.put(name, v);
            } else {
                v.muli(momentum).addi(g);
            }
            step = nesterov ? g.add(in(scope, v.mul(momentum))) : v;
        }
        w.subi(in(scope, step.mul(lr)));
    }

    @Override
    public Map<String, HostTensor> state() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            NDArray v = buffers.get(name);
            if (v != null) {
                out.put(name + ".momentum_buffer", host(v));
            }
        }
        return out;
    }

    @Override
    public void restore(Map<String, HostTensor> state, long steps) {
        buffers.values().forEach(NDArray::close);
        buffers.clear();
        for (Map.Entry<String, HostTensor> e : state.entrySet()) {
            String name = e.getKey().replaceFirst("\\.momentum_buffer$", "");
            if (!params.containsKey(name) || name.equals(e.getKey())) {
                throw new ResNet4jException("optimizer state has '" + e.getKey() + "', which this SGD does not know");
            }
            buffers.put(name, device(e.getValue()));
        }
        this.steps = steps;
    }
}
