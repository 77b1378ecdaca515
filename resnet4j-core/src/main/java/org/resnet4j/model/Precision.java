package org.resnet4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.resnet4j.UsageException;

/**
 * The arithmetic a network's forward pass computes in ({@code --precision}).
 *
 * <p>{@link #BF16} is bfloat16 mixed precision as PyTorch's {@code torch.autocast("cpu",
 * dtype=torch.bfloat16)} does it: the convolutions and the classifier cast their inputs and weights
 * to bfloat16 at the operation and compute in it, so the activations between them (batch norm, ReLU,
 * residual additions, pooling) are bfloat16 too; batch norm keeps its parameters and running
 * statistics in float32 (PyTorch's CPU batch norm takes bfloat16 input with float32 parameters and
 * accumulates in float32, which is what autocast runs); the logits come out as float32, so the loss
 * is float32 (autocast runs {@code cross_entropy} in float32). Checked with PyTorch 1.13 under
 * {@code torch.autocast("cpu", dtype=torch.bfloat16)}: conv2d, batch_norm (training and eval), relu,
 * the residual add, adaptive_avg_pool2d and linear return bfloat16, the running statistics stay
 * float32 and cross_entropy returns float32. The parameters, their gradients, the
 * optimizer state and the saved weights stay float32: the casts are part of the autograd graph, so
 * gradients reach the float32 master weights. (DJL's own {@code toType} can do neither the cast nor its
 * gradient; {@link Casts} does both.)
 */
public enum Precision {
    FP32,
    BF16;

    /** The name the flag and config.json use: fp32 or bf16. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code fp32} or {@code bf16} (any case); anything else is a one-line usage error naming the flag. */
    public static Precision parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "fp32" -> FP32;
            case "bf16" -> BF16;
            default -> throw new UsageException("--precision: expected fp32 or bf16, not '" + value + "'");
        };
    }

    /**
     * {@code a} as an operand of an operation computing in this precision: cast where its type differs
     * (differentiably), the cast owned by {@code owner} so that it is freed with the step or scope that
     * made it, not with the parameter it came from.
     */
    NDArray operand(NDArray a, NDManager owner) {
        if (this == FP32 || a == null || Casts.isBfloat16(a)) {
            return a;
        }
        NDArray cast = Casts.toBfloat16(a);
        cast.attach(owner);
        return cast;
    }
}
