package org.resnet4j.model;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.resnet4j.util.TorchScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network's inference pass as one TorchScript program that oneDNN runs from start to end: every
 * batch norm that follows a convolution folded into it, and the ReLU, or the residual addition and
 * the ReLU after it, computed inside the convolution ({@code mkldnn._convolution_pointwise}, the
 * fused kernels PyTorch's own CPU compiler emits). Per block that is two convolutions instead of two
 * convolutions, two additions, two ReLUs and the folding arithmetic, each a call through DJL; and the
 * program frees each activation after its last use, so deep nets keep only what they still need.
 *
 * <p>Each block writes its own part ({@link ResidualBlock#writeInference}); this class holds the
 * operations they write with. The program has two halves: {@code fold} turns the parameters into the
 * operands of the pass (BN folded into the convolutions, cast to the compute precision), and {@code
 * forward} / {@code features} compute with those operands. Weights that do not change are folded once
 * and the operands kept; a model in training folds at every call.
 */
final class InferenceScript {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceScript.class);
    private static final String NAME = "ResNetInference";
    /** PyTorch's ScalarType numbers (c10/core/ScalarType.h). */
    private static final int TORCH_FLOAT = 6;
    private static final int TORCH_BFLOAT16 = 15;
    private static final String TO_END = "9223372036854775807";
    private static final String NO_SCALARS = "annotate(List[Optional[number]], [])";

    private final Precision precision;
    /** The body of the pass being written, and of {@code fold}. */
    private final StringBuilder code = new StringBuilder();
    private final StringBuilder foldCode = new StringBuilder();
    /** The parameters {@code fold} reads ({@code ws[i]}), and the operands it returns ({@code ps[i]}). */
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<String> operands = new ArrayList<>();
    private int values;

    private PtSymbolBlock program;
    /** The folded operands while the weights stay fixed; null until needed. */
    private IValue kept;

    private InferenceScript(Precision precision) {
        this.precision = precision;
    }

    /**
     * The program of {@code net} in its current precision, loaded into {@code manager}; null where the
     * engine lacks the fused operations (a libtorch built without oneDNN), after a debug log line.
     */
    static InferenceScript compile(ResNet net, NDManager manager) {
        InferenceScript s = new InferenceScript(net.precision());
        String features = net.writeInference(s, s.input());
        String body = s.code.toString();
        s.code.setLength(0);
        String logits = s.linear(net.classifier(), features);
        String source = "class " + NAME + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def fold(self: __torch__." + NAME + ",\n    ws: List[Tensor]) -> List[Tensor]:\n"
                + s.foldCode + "    return [" + String.join(", ", s.operands) + "]\n"
                // oneDNN cannot describe a channels-last input of one pixel (it reads as NCHW) in a
                // convolution with a summand ("could not create a memory"); a copy in NCHW goes through
                + "  def one_pixel_nchw(self: __torch__." + NAME + ",\n    x: Tensor) -> Tensor:\n"
                + "    if torch.size(x, 2) == 1 and torch.size(x, 3) == 1:\n"
                + "      return torch.clone(x, memory_format=0)\n"
                + "    return x\n"
                + pass("features", body + "    return " + s.toFloat(features) + "\n")
                + pass("forward", body + s.code + "    return " + s.toFloat(logits) + "\n");
        try {
            s.program = JniUtils.loadModule((PtNDManager) manager,
                    new ByteArrayInputStream(TorchScript.archive(NAME, source)), false, false);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (EngineException e) {
            LOG.debug("fused inference unavailable, computing step by step: {}", e.getMessage());
            return null;
        }
    }

    private static String pass(String name, String body) {
        return "  def " + name + "(self: __torch__." + NAME + ",\n    x: Tensor,\n    ps: List[Tensor]) -> Tensor:\n" + body;
    }

    /** The precision the program computes in. */
    Precision precision() {
        return precision;
    }

    /** Frees the loaded program and the kept operands (both are freed with the manager otherwise). */
    void close() {
        forgetOperands();
        program.close();
    }

    /**
     * Logits (N, classes) of a batch (N, C, H, W), float32, owned by the images' manager. {@code
     * weightsFixed}: the parameters have not changed since the last call that said so, so the operands
     * folded then still hold; otherwise they are folded again (and, if fixed from now on, kept).
     */
    NDArray logits(NDArray images, boolean weightsFixed) {
        return run("forward", images, weightsFixed);
    }

    /** The pooled features (N, C) the classifier sees, float32, owned by the images' manager; as {@link #logits}. */
    NDArray features(NDArray images, boolean weightsFixed) {
        return run("features", images, weightsFixed);
    }

    /** Drops the kept operands: the parameters were replaced. */
    synchronized void forgetOperands() {
        if (kept != null) {
            kept.close();
            kept = null;
        }
    }

    private NDArray run(String method, NDArray images, boolean weightsFixed) {
        IValue operands = weightsFixed ? keptOperands() : fold();
        try (IValue x = IValue.from((PtNDArray) images); IValue out = IValueUtils.runMethod(program, method, x, operands)) {
            return out.toTensor((PtNDManager) images.getManager());
        } finally {
            if (!weightsFixed) {
                operands.close();
            }
        }
    }

    private synchronized IValue keptOperands() {
        if (kept == null) {
            kept = fold();
        }
        return kept;
    }

    /** The operands of the pass from the parameters' current values. */
    private IValue fold() {
        PtNDArray[] arrays = new PtNDArray[parameters.size()];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = (PtNDArray) parameters.get(i).getArray();
        }
        try (IValue ws = IValue.listFrom(arrays)) {
            return IValueUtils.runMethod(program, "fold", ws);
        }
    }

    // ---- the operations blocks write with; each returns the name of its result ----

    /** {@code bn(conv(x))}, BN folded into the convolution, then ReLU where {@code relu}. */
    String convBn(Conv conv, BatchNorm2d bn, String x, boolean relu) {
        String[] wb = folded(conv, bn);
        return let(pointwise(x, wb[0], wb[1], conv) + ", \"" + (relu ? "relu" : "none") + "\", " + NO_SCALARS + ", \"\")");
    }

    /**
     * {@code relu(bn(conv(x)) + other)} in one convolution (the end of a post-activation block);
     * without a BN ({@code bn} null) {@code conv(x) + other}, the end of a pre-activation block.
     */
    String convBnAdd(Conv conv, BatchNorm2d bn, String x, String other) {
        String[] wb = bn == null ? new String[] {operand(conv.getParameters().get("weight")), "None"} : folded(conv, bn);
        return let(binaryPointwise(x, other, wb[0], wb[1], conv) + ", \"add\", 1., " + (bn == null ? "None" : "\"relu\"")
                + ", " + NO_SCALARS + ", \"\")");
    }

    /** {@code relu(bn(x))}, with the running statistics (a pre-activation). */
    String bnRelu(BatchNorm2d bn, String x) {
        return let("torch.relu(torch.batch_norm(" + x + ", " + operand(param(bn, "gamma")) + ", "
                + operand(param(bn, "beta")) + ", " + operand(param(bn, "runningMean")) + ", "
                + operand(param(bn, "runningVar")) + ", False, 0.1, 1e-05, True))");
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
        return layers.size() > 1 ? convBn(conv, (BatchNorm2d) layers.get(1), x, false) : plainConv(conv, x);
    }

    /** A convolution without BN or activation (the projection of a pre-activation block). */
    String plainConv(Conv conv, String x) {
        return let(pointwise(x, operand(conv.getParameters().get("weight")), "None", conv) + ", \"none\", "
                + NO_SCALARS + ", \"\")");
    }

    /** The ImageNet stem's 3x3 max pooling, stride 2, padding 1. */
    String maxPool(String x) {
        return let("torch.max_pool2d(" + x + ", [3, 3], [2, 2], [1, 1], [1, 1], False)");
    }

    /** Global average pooling to (N, C). */
    String meanPool(String x) {
        return let("torch.mean(" + x + ", [2, 3])");
    }

    // ---- the program's text ----

    private String input() {
        return precision == Precision.BF16 ? let("torch.to(x, " + TORCH_BFLOAT16 + ")") : "x";
    }

    private String linear(Block fc, String x) {
        return let("torch.linear(" + x + ", " + operand(fc.getParameters().get("weight")) + ", "
                + operand(fc.getParameters().get("bias")) + ")");
    }

    private String toFloat(String x) {
        return precision == Precision.FP32 ? x : "torch.to(" + x + ", " + TORCH_FLOAT + ")";
    }

    /**
     * The weight and bias of {@code bn(conv(.))} in inference mode (section 3.4's BN after each
     * convolution is an affine map per channel then): {@code w * gamma / sqrt(var + eps)} and {@code
     * beta - mean * gamma / sqrt(var + eps)}, in float32, then in the compute precision.
     */
    private String[] folded(Conv conv, BatchNorm2d bn) {
        String scale = "s" + values++;
        foldCode.append("    ").append(scale).append(" = torch.div(").append(param(bn, "gamma"))
                .append(", torch.sqrt(torch.add(").append(param(bn, "runningVar")).append(", 1e-05)))\n");
        String w = operand(toComputeExpr("torch.mul(" + param(conv, "weight") + ", torch.reshape(" + scale + ", [-1, 1, 1, 1]))"));
        String b = operand(toComputeExpr("torch.sub(" + param(bn, "beta") + ", torch.mul(" + param(bn, "runningMean") + ", "
                + scale + "))"));
        return new String[] {w, b};
    }

    private String toComputeExpr(String expr) {
        return precision == Precision.FP32 ? expr : "torch.to(" + expr + ", " + TORCH_BFLOAT16 + ")";
    }

    /** A parameter as an operand in the compute precision. */
    private String operand(Parameter p) {
        return operand(toComputeExpr(param(p)));
    }

    /** An operand of the pass that {@code fold} computes as {@code expr}; returns its reference, {@code ps[i]}. */
    private String operand(String expr) {
        String name = "a" + operands.size();
        foldCode.append("    ").append(name).append(" = ").append(expr).append('\n');
        operands.add(name);
        return "ps[" + (operands.size() - 1) + "]";
    }

    private static String geometry(Conv conv) {
        int pad = conv.kernel() / 2;
        return "[" + pad + ", " + pad + "], [" + conv.stride() + ", " + conv.stride() + "], [1, 1], 1";
    }

    private static String pointwise(String x, String w, String b, Conv conv) {
        return "ops.mkldnn._convolution_pointwise(" + x + ", " + w + ", " + b + ", " + geometry(conv);
    }

    private static String binaryPointwise(String x, String other, String w, String b, Conv conv) {
        return "ops.mkldnn._convolution_pointwise(self.one_pixel_nchw(" + x + "), " + other + ", " + w + ", " + b + ", " + geometry(conv);
    }

    private String param(Block block, String name) {
        return param(block.getParameters().get(name));
    }

    /** The program's reference to a parameter, an element of its parameter list. */
    private String param(Parameter p) {
        int i = parameters.indexOf(p);
        if (i < 0) {
            parameters.add(p);
            i = parameters.size() - 1;
        }
        return "ws[" + i + "]";
    }

    /** Binds {@code expr} to a new local name and returns the name. */
    private String let(String expr) {
        String name = "v" + values++;
        code.append("    ").append(name).append(" = ").append(expr).append('\n');
        return name;
    }
}
