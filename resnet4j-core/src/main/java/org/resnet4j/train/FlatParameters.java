package org.resnet4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.resnet4j.ResNet4jException;
import org.resnet4j.model.HostTensor;

/**
 * The trainable parameters packed into one flat buffer, so that an optimizer updates all of them
 * with a handful of native calls plus one per parameter tensor (zeroing its gradient) instead of
 * about fifteen per parameter tensor (resnet20 has 65 of them; one native call costs a few
 * microseconds, as much as the arithmetic on a small tensor).
 *
 * <p>Each parameter's array becomes a view of the buffer, so an in-place update of the buffer is
 * an update of every parameter. The gradients stay where autograd puts them: PyTorch accumulates
 * a defined {@code .grad} in place and {@code zeroGrad} zeroes it in place, so flat views of them
 * taken after the first backward pass stay valid, and one {@code cat} gathers them each step.
 * (They are views because autograd gives a gradient the strides of its parameter.) When a
 * parameter's tensor is replaced (weights loaded from a checkpoint), the buffer is packed again from
 * the current values.
 *
 * <p>Convolution weights lie in the buffer channels-last, {@code [out, kh, kw, in]}, as PyTorch's
 * {@code model.to(memory_format=torch.channels_last)} stores them: the activations are channels-last,
 * and a weight in the other layout is converted in every forward and every backward pass (17 to 20
 * copies each way per step of resnet18 and resnet20). The buffer and the optimizer's state follow
 * that memory order; {@link #split} and {@link #join} give and take the state in PyTorch's order.
 */
final class FlatParameters implements AutoCloseable {
    private final NDManager manager;
    private final List<String> names;
    private final List<Parameter> parameters;
    private final List<NDArray> arrays = new ArrayList<>();
    private final long[] sizes;
    private final long[] handles;
    private NDArray buffer;
    /** 1-D views of the parameters' gradients; null until every gradient is defined. */
    private NDArray[] gradients;

    FlatParameters(NDManager manager, Map<String, Parameter> trainable) {
        this.manager = manager;
        if (trainable.isEmpty()) {
            throw new ResNet4jException("the model has no trainable parameters");
        }
        this.names = List.copyOf(trainable.keySet());
        this.parameters = List.copyOf(trainable.values());
        parameters.forEach(p -> arrays.add(p.getArray()));
        this.sizes = arrays.stream().mapToLong(a -> a.getShape().size()).toArray();
        this.handles = new long[arrays.size()];
        repack();
    }

    /**
     * The flat buffer that every parameter is a view of, packed again if a parameter was replaced.
     * Call it after {@link #gradients}: packing again drops the replaced tensors' gradients.
     */
    NDArray weights() {
        if (!packed()) {
            repack();
        }
        return buffer;
    }

    /** All gradients, concatenated in parameter order, owned by {@code scope}; see {@link #weights}. */
    NDArray gradients(NDManager scope) {
        NDArray[] views = gradients;
        if (views == null || !packed()) {
            views = new NDArray[arrays.size()];
            boolean complete = true;
            for (int i = 0; i < views.length; i++) {
                PtNDArray g = JniUtils.getGradient((PtNDArray) arrays.get(i));
                if (g == null) {
                    // No backward pass has reached it. PyTorch's optimizers would skip it; here it
                    // gets weight decay and momentum on a zero gradient. Every parameter of a
                    // ResNet gets a gradient from the first step, so this does not arise there.
                    views[i] = scope.zeros(new Shape(sizes[i]));
                    complete = false;
                } else {
                    views[i] = inMemoryOrder(g); // a view: the gradient has its parameter's strides
                    g.close();
                }
            }
            if (complete && packed()) {
                closeGradients();
                Arrays.stream(views).forEach(v -> v.attach(manager));
                gradients = views;
            } else {
                Arrays.stream(views).forEach(v -> v.attach(scope));
            }
        }
        NDArray all = JniUtils.cat(Arrays.copyOf(views, views.length, PtNDArray[].class), 0);
        all.attach(scope);
        return all;
    }

    /** Zeroes every gradient in place (the tensors autograd accumulates into stay the same). */
    void zeroGradients() {
        for (NDArray a : arrays) {
            JniUtils.zeroGrad((PtNDArray) a);
        }
    }

    /** Cuts a flat state buffer into one host tensor per parameter, named {@code NAME.SUFFIX}. */
    Map<String, HostTensor> split(NDArray flat, String suffix, Map<String, HostTensor> into) {
        float[] all = flat.toFloatArray();
        long offset = 0;
        for (int i = 0; i < names.size(); i++) {
            long[] shape = arrays.get(i).getShape().getShape();
            float[] part = new float[(int) sizes[i]];
            int[] order = memoryOrder(shape);
            for (int k = 0; k < part.length; k++) {
                part[order[k]] = all[(int) offset + k];
            }
            into.put(names.get(i) + "." + suffix, new HostTensor(shape, part));
            offset += sizes[i];
        }
        return into;
    }

    /**
     * Joins the per-parameter tensors {@code NAME.SUFFIX} of {@code state} into one flat buffer
     * owned by {@code owner}; null when {@code state} has none of them.
     */
    NDArray join(Map<String, HostTensor> state, String suffix, NDManager owner) {
        if (names.stream().noneMatch(n -> state.containsKey(n + "." + suffix))) {
            return null;
        }
        float[] all = new float[(int) Arrays.stream(sizes).sum()];
        int offset = 0;
        for (int i = 0; i < names.size(); i++) {
            HostTensor t = state.get(names.get(i) + "." + suffix);
            long[] shape = arrays.get(i).getShape().getShape();
            if (t == null || !Arrays.equals(t.shape(), shape)) {
                throw new ResNet4jException("optimizer state: " + names.get(i) + "." + suffix + (t == null ? " is missing"
                        : " has shape " + t.shapeString() + ", the parameter " + Arrays.toString(shape).replace(" ", "")));
            }
            int[] order = memoryOrder(shape);
            for (int k = 0; k < order.length; k++) {
                all[offset + k] = t.data()[order[k]];
            }
            offset += t.data().length;
        }
        return owner.create(all);
    }

    /** A flat buffer holding, for every element, its parameter's value in {@code perParameter} (by name). */
    NDArray perElement(Map<String, Double> perParameter, NDManager owner) {
        float[] all = new float[(int) Arrays.stream(sizes).sum()];
        int offset = 0;
        for (int i = 0; i < names.size(); i++) {
            Double v = perParameter.get(names.get(i));
            Arrays.fill(all, offset, offset + (int) sizes[i], v == null ? 1f : v.floatValue());
            offset += (int) sizes[i];
        }
        return owner.create(all);
    }

    /** The keys {@link #join} reads for {@code suffix}. */
    List<String> keys(String suffix) {
        return names.stream().map(n -> n + "." + suffix).toList();
    }

    private boolean packed() {
        for (int i = 0; i < handles.length; i++) {
            if (parameters.get(i).getArray() != arrays.get(i) || ((PtNDArray) arrays.get(i)).getHandle() != handles[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Copies the parameters' current values into a new buffer and makes each of them a view of it
     * (again, after weights were loaded into them).
     */
    void repack() {
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // the buffer must not require gradients, or the views would not be leaves
        try {
            packUnrecorded();
        } finally {
            JniUtils.setGradMode(recording);
        }
    }

    private void packUnrecorded() {
        closeGradients();
        for (int i = 0; i < arrays.size(); i++) {
            arrays.set(i, parameters.get(i).getArray());
        }
        NDArray[] flat = arrays.stream().map(FlatParameters::inMemoryOrder).toArray(NDArray[]::new);
        NDArray packed = JniUtils.cat(Arrays.copyOf(flat, flat.length, PtNDArray[].class), 0);
        packed.attach(manager);
        Arrays.stream(flat).forEach(NDArray::close);
        long offset = 0;
        for (int i = 0; i < arrays.size(); i++) {
            NDArray a = arrays.get(i);
            try (NDArray slice = JniUtils.slice((PtNDArray) packed, 0, offset, offset + sizes[i], 1)) {
                NDArray view;
                if (isConvolutionWeight(a.getShape())) {
                    Shape s = a.getShape();
                    try (NDArray nhwc = slice.reshape(s.get(0), s.get(2), s.get(3), s.get(1))) {
                        view = nhwc.transpose(0, 3, 1, 2); // NCHW, channels-last strides
                    }
                } else {
                    view = slice.reshape(a.getShape());
                }
                a.intern(view); // a now holds the view; its old tensor is freed
                a.setRequiresGradient(true);
                handles[i] = ((PtNDArray) a).getHandle();
            }
            offset += sizes[i];
        }
        if (buffer != null) {
            buffer.close();
        }
        buffer = packed;
    }

    private static boolean isConvolutionWeight(Shape shape) {
        return shape.dimension() == 4;
    }

    /** {@code a}'s values flattened in the buffer's order for its shape: a view where its strides allow. */
    private static NDArray inMemoryOrder(NDArray a) {
        if (!isConvolutionWeight(a.getShape())) {
            return a.reshape(-1);
        }
        try (NDArray nhwc = a.transpose(0, 2, 3, 1)) {
            return nhwc.reshape(-1);
        }
    }

    /**
     * For each position of a parameter's values in the buffer, the position of the same value in
     * PyTorch's (row-major) order of {@code shape}.
     */
    private static int[] memoryOrder(long[] shape) {
        int n = (int) Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        int[] order = new int[n];
        if (shape.length != 4) {
            Arrays.setAll(order, k -> k);
            return order;
        }
        int out = (int) shape[0], in = (int) shape[1], kh = (int) shape[2], kw = (int) shape[3];
        int k = 0;
        for (int o = 0; o < out; o++) {
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                    for (int c = 0; c < in; c++) {
                        order[k++] = ((o * in + c) * kh + y) * kw + x;
                    }
                }
            }
        }
        return order;
    }

    private void closeGradients() {
        if (gradients != null) {
            Arrays.stream(gradients).forEach(NDArray::close);
            gradients = null;
        }
    }

    @Override
    public void close() {
        closeGradients();
        // the buffer's storage lives on in the parameters that are views of it
        if (buffer != null) {
            buffer.close();
        }
    }
}
