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
 * Adam exactly as {@code torch.optim.Adam} (no amsgrad; weight decay as L2 added to the gradient):
 * {@code m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; w -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}.
 */
public final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final Map<String, NDArray> m = new HashMap<>();
    private final Map<String, NDArray> v = new HashMap<>();

    public Adam(NDManager manager, Map<String, Parameter> trainable, double beta1, double beta2, double eps, double weightDecay) {
        super(manager, trainable, weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    protected void update(String name, NDArray w, NDArray g, double lr, NDManager scope) {
        if (weightDecay != 0) {
            g.addi(in(scope, w.mul(weightDecay)));
        }
        NDArray mt = m.computeIfAbsent(name, k -> attach(w.zerosLike()));
        NDArray vt = v.computeIfAbsent(name, k -> attach(w.zerosLike()));
        mt.muli(beta1).addi(g.mul(1 - beta1));
        vt.muli(beta2).addi(g.mul(g).muli(1 - beta2));
        double bias1 = 1 - Math.pow(beta1, steps);
        double bias2 = 1 - Math.pow(beta2, steps);
        NDArray denom = in(scope, vt.sqrt()).divi(Math.sqrt(bias2)).addi(eps);
        w.subi(in(scope, mt.div(denom)).muli(lr / bias1));
    }

    private NDArray attach(NDArray a) {
        a.attach(manager);
        return a;
    }

    @Override
    public Map<String, HostTensor> state() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            if (m.containsKey(name)) {
                out.put(name + ".exp_avg", host(m.get(name)));
                out.put(name + ".exp_avg_sq", host(v.get(name)));
            }
        }
        return out;
    }

    @Override
    public void restore(Map<String, HostTensor> state, long steps) {
        m.values().forEach(NDArray::close);
        v.values().forEach(NDArray::close);
        m.clear();
        v.clear();
        for (Map.Entry<String, HostTensor> e : state.entrySet()) {
            String key = e.getKey();
            if (key.endsWith(".exp_avg") && params.containsKey(key.substring(0, key.length() - 8))) {
                m.put(key.substring(0, key.length() - 8), device(e.getValue()));
            } else if (key.endsWith(".exp_avg_sq") && params.containsKey(key.substring(0, key.length() - 11))) {
                v.put(key.substring(0, key.length() - 11), device(e.getValue()));
            } else {
                throw new ResNet4jException("optimizer state has '" + key + "', which this Adam does not know");
            }
        }
        this.steps = steps;
    }
}
