package org.resnet4j.model;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a network's inference pass as one TorchScript program ({@link FusedInference} runs it):
 * every batch norm that follows a convolution is folded into it (in inference BN is an affine map per
 * channel); the ReLU after it runs inside the convolution, and a block's last convolution adds its
 * result into the shortcut in place ({@code mkldnn._convolution_pointwise} and its in-place binary
 * form, the fused kernels PyTorch's own CPU compiler emits). A post-activation basic block becomes two
 * convolutions and an in-place ReLU, where the step-by-step pass makes about twelve calls through DJL
 * (convolutions, folding arithmetic, additions, ReLUs), and the program frees each activation after
 * its last use.
 *
 * <p>Each block writes its own part ({@link ResidualBlock#writeInference}) with the operations
 * below, which return the name of their result. The program's {@code fold} reads the parameters
 * ({@code ws}) and returns the operands of the pass ({@code ps}); {@code forward} and {@code features}
 * read only the operands.
 */
final class InferenceScript {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceScript.class);
    private static final String NAME = "ResNetInference";
    /** PyTorch's ScalarType numbers (c10/core/ScalarType.h). */
    private static final int TORCH_FLOAT = 6;
    private static final int TORCH_BFLOAT16 = 15;
    private static final String TO_END = "9223372036854775807";
    private static final String EPSILON = Double.toString(BatchNorm2d.EPSILON).toLowerCase(Locale.ROOT);

    /**
     * {@code conv(x) + other}, then ReLU where {@code relu}: one oneDNN convolution that adds its
     * result into {@code other} in place. {@code other} (the shortcut: the block's input or its
     * projection) has no later use, and the out-of-place form would first copy it, a whole activation,
     * at every block. oneDNN cannot describe a channels-last input of one pixel (it reads as NCHW) in
     * such a convolution ("could not create a memory"): a single-pixel input (the last stage of a small
     * image) takes a plain convolution and an addition.
     */
    private static final String CONV_ADD = "  def conv_add(self: __torch__." + NAME + ",\n"
            + "    x: Tensor, other: Tensor, w: Tensor, b: Optional[Tensor], padding: List[int], stride: List[int],\n"
            + "    relu: bool) -> Tensor:\n"
            + "    if torch.size(x, 2) == 1 and torch.size(x, 3) == 1:\n"
            + "      y = torch.add(torch.conv2d(x, w, b, stride, padding, [1, 1], 1), other)\n"
            + "    else:\n"
            + "      y = ops.mkldnn._convolution_pointwise_(other, x, w, b, padding, stride, [1, 1], 1, \"add\", 1., None, "
            + "annotate(List[Optional[number]], []), \"\")\n"
            + "    if relu:\n"
            + "      y = torch.relu_(y)\n"
            + "    return y\n";

    private final Precision precision;
    /** The body of the pass being written, and of {@code fold}. */
    private final StringBuilder code = new StringBuilder();
    private final StringBuilder foldCode = new StringBuilder();
    /** The parameters {@code fold} reads ({@code ws[i]}), and the operands it returns ({@code ps[i]}). */
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<String> operands = new ArrayList<>();
    private int values;

    private InferenceScript(Precision precision) {
        this.precision = precision;
    }

    /**
     * The program of {@code net} in its current precision, loaded into {@code manager}; null, after one
     * warning, where the engine cannot run it (a libtorch built without oneDNN lacks the fused operations).
     */
    static FusedInference compile(ResNet net, NDManager manager) {
        InferenceScript s = new InferenceScript(net.precision());
        String features = net.writeInference(s, s.input());
        String body = s.code.toString();
        s.code.setLength(0);
        String logits = s.linear(net.classifier(), features);
        String methods = "  def fold(self: __torch__." + NAME + ",\n    ws: List[Tensor]) -> List[Tensor]:\n"
                + s.foldCode + "    return [" + String.join(", ", s.operands) + "]\n"
                + CONV_ADD
                + pass("features", body + "    return " + s.toFloat(features) + "\n")
                + pass("forward", body + s.code + "    return " + s.toFloat(logits) + "\n");
        try {
            return FusedInference.load(NAME, methods, s.parameters, s.precision, manager);
        } catch (EngineException e) {
            LOG.warn("resnet4j: this engine cannot run the fused inference program ({}); computing step by step",
                    FusedInference.reason(e));
            return null;
        }
    }

    private static String pass(String name, String body) {
        return "  def " + name + "(self: __torch__." + NAME + ",\n    x: Tensor,\n    ps: List[Tensor]) -> Tensor:\n" + body;
    }

    // ---- the operations blocks write with ----

    /** {@code bn(conv(x))}, BN folded into the convolution, then ReLU where {@code relu}. */
    String convBn(Conv conv, BatchNorm2d bn, String x, boolean relu) {
        String[] wb = folded(conv, bn);
        return convolution(conv, x, null, wb[0], wb[1], relu);
    }

    /** {@code relu(bn(conv(x)) + other)} in one convolution: the end of a post-activation block. */
    String convBnAddRelu(Conv conv, BatchNorm2d bn, String x, String other) {
        String[] wb = folded(conv, bn);
        return convolution(conv, x, other, wb[0], wb[1], true);
    }

    /** {@code conv(x) + other} in one convolution: the end of a pre-activation block. */
    String convAdd(Conv conv, String x, String other) {
        return convolution(conv, x, other, weight(conv), "None", false);
    }

    /** A convolution alone (the projection shortcut of a pre-activation block, a pre-activation net's stem). */
    String conv(Conv conv, String x) {
        return convolution(conv, x, null, weight(conv), "None", false);
    }

    /** {@code relu(bn(x))}, with the running statistics in float32 (a pre-activation). */
    String bnRelu(BatchNorm2d bn, String x) {
        return let("torch.relu(torch.batch_norm(" + x + ", " + operand(param(bn, "gamma")) + ", "
                + operand(param(bn, "beta")) + ", " + operand(param(bn, "runningMean")) + ", "
                + operand(param(bn, "runningVar")) + ", False, 0., " + EPSILON + ", True))");
    }

    /** A block's shortcut applied to {@code x}: a projection (conv, BN where it has one), option A's zero padding, or {@code x} itself. */
    String shortcut(Block shortcut, String x) {
        if (shortcut == null) {
            return x;
        }
        if (shortcut instanceof ZeroPadShortcut pad) {
            String sub = pad.stride() == 1 ? x
                    : "torch.slice(torch.slice(" + x + ", 2, 0, " + TO_END + ", 2), 3, 0, " + TO_END + ", 2)";
            // F.pad order: last dimension first, so (W, W, H, H, C, C)
            return let("torch.constant_pad_nd(" + sub + ", [0, 0, 0, 0, " + pad.before() + ", " + pad.after() + "], 0.)");
        }
        List<Block> layers = ((SequentialBlock) shortcut).getChildren().values();
        Conv conv = (Conv) layers.get(0);
        return layers.size() > 1 ? convBn(conv, (BatchNorm2d) layers.get(1), x, false) : conv(conv, x);
    }

    /** Max pooling with a square kernel, stride and padding (the ImageNet stem's). */
    String maxPool(String x, long kernel, long stride, long padding) {
        return let("torch.max_pool2d(" + x + ", [" + kernel + ", " + kernel + "], [" + stride + ", " + stride + "], ["
                + padding + ", " + padding + "], [1, 1], False)");
    }

    /** Global average pooling to (N, C). */
    String meanPool(String x) {
        return let("torch.mean(" + x + ", [2, 3])");
    }

    // ---- the program's text ----

    /**
     * One oneDNN convolution of {@code x} with weight {@code w} and bias {@code b} (or None), plus
     * {@code other} where not null, then ReLU where {@code relu}.
     */
    private String convolution(Conv conv, String x, String other, String w, String b, boolean relu) {
        String padding = "[" + conv.padding() + ", " + conv.padding() + "]";
        String stride = "[" + conv.stride() + ", " + conv.stride() + "]";
        return let(other == null
                ? "ops.mkldnn._convolution_pointwise(" + x + ", " + w + ", " + b + ", " + padding + ", " + stride
                        + ", [1, 1], 1, \"" + (relu ? "relu" : "none") + "\", annotate(List[Optional[number]], []), \"\")"
                : "self.conv_add(" + x + ", " + other + ", " + w + ", " + b + ", " + padding + ", " + stride + ", "
                        + (relu ? "True" : "False") + ")");
    }

    /** The images in channels-last memory (the layout oneDNN's fused kernels want), in the compute precision. */
    private String input() {
        return let("torch.contiguous(" + compute("x") + ", memory_format=2)");
    }

    private String linear(Block fc, String x) {
        return let("torch.linear(" + x + ", " + operand(compute(param(fc, "weight"))) + ", "
                + operand(compute(param(fc, "bias"))) + ")");
    }

    private String toFloat(String x) {
        return precision == Precision.FP32 ? x : "torch.to(" + x + ", " + TORCH_FLOAT + ")";
    }

    /**
     * The weight and bias of {@code bn(conv(.))} in inference mode: {@code w * gamma / sqrt(var + eps)}
     * and {@code beta - mean * gamma / sqrt(var + eps)} (as {@link BatchNorm2d#foldedAfter} computes
     * them), in float32, then in the compute precision.
     */
    private String[] folded(Conv conv, BatchNorm2d bn) {
        String scale = "s" + values++;
        foldCode.append("    ").append(scale).append(" = torch.div(").append(param(bn, "gamma"))
                .append(", torch.sqrt(torch.add(").append(param(bn, "runningVar")).append(", ").append(EPSILON)
                .append(")))\n");
        String w = operand(compute("torch.mul(" + param(conv, "weight") + ", torch.reshape(" + scale + ", [-1, 1, 1, 1]))"));
        String b = operand(compute("torch.sub(" + param(bn, "beta") + ", torch.mul(" + param(bn, "runningMean") + ", "
                + scale + "))"));
        return new String[] {w, b};
    }

    private String weight(Conv conv) {
        return operand(compute(param(conv, "weight")));
    }

    /** {@code expr} in the compute precision. */
    private String compute(String expr) {
        return precision == Precision.FP32 ? expr : "torch.to(" + expr + ", " + TORCH_BFLOAT16 + ")";
    }

    /** An operand of the pass that {@code fold} computes as {@code expr}; returns its reference, {@code ps[i]}. */
    private String operand(String expr) {
        String name = "a" + operands.size();
        foldCode.append("    ").append(name).append(" = ").append(expr).append('\n');
        operands.add(name);
        return "ps[" + (operands.size() - 1) + "]";
    }

    /** {@code fold}'s reference to a parameter, an element of its parameter list. */
    private String param(Block block, String name) {
        Parameter p = block.getParameters().get(name);
        int i = parameters.indexOf(p);
        if (i < 0) {
            parameters.add(p);
            i = parameters.size() - 1;
        }
        return "ws[" + i + "]";
    }

    /** Binds {@code expr} to a new local name in the pass and returns the name. */
    private String let(String expr) {
        String name = "v" + values++;
        code.append("    ").append(name).append(" = ").append(expr).append('\n');
        return name;
    }
}
