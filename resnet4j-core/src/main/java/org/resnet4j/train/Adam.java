package org.resnet4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.resnet4j.ResNet4jException;
import org.resnet4j.model.HostTensor;

/**
 * Adam exactly as {@code torch.optim.Adam} (no amsgrad; weight decay as L2 added to the gradient):
 * {@code m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; w -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}.
 */
public final class Adam extends Optimizer {
    private static final String MEAN = "exp_avg";
    private static final String SQUARES = "exp_avg_sq";
    private final double beta1;
    private final double beta2;
    private final double eps;
    private NDArray m;
    private NDArray v;

    public Adam(NDManager manager, Map<String, Parameter> trainable, double beta1, double beta2, double eps, double weightDecay) {
        super(manager, trainable, weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    protected void update(NDArray w, NDArray g, double lr, NDManager scope) {
        if (weightDecay != 0) {
            g.addi(in(scope, w.mul(weightDecay)));
        }
        if (m == null) {
            m = owned(w.zerosLike());
            v = owned(w.zerosLike());
        }
        m.muli(beta1).addi(g.mul(1 - beta1));
        v.muli(beta2).addi(g.muli(g).muli(1 - beta2));
        double bias1 = 1 - Math.pow(beta1, steps);
        double bias2 = 1 - Math.pow(beta2, steps);
        NDArray denom = in(scope, v.sqrt()).divi(Math.sqrt(bias2)).addi(eps);
        w.subi(lrTimes(in(scope, m.div(denom)), lr / bias1, scope));
    }

    @Override
    public Map<String, HostTensor> state() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        if (m != null) {
            params.split(m, MEAN, out);
            params.split(v, SQUARES, out);
        }
        return out;
    }

    @Override
    public void restore(Map<String, HostTensor> state, long steps) {
        checkKeys(state, MEAN, SQUARES);
        NDArray mean = owned(params.join(state, MEAN, manager));
        NDArray squares = owned(params.join(state, SQUARES, manager));
        if ((mean == null) != (squares == null)) {
            throw new ResNet4jException("optimizer state has " + (mean == null ? SQUARES : MEAN) + " buffers without "
                    + (mean == null ? MEAN : SQUARES) + " ones");
        }
        if (m != null) {
            m.close();
            v.close();
        }
        m = mean;
        v = squares;
        params.repack();
        this.steps = steps;
    }
}
