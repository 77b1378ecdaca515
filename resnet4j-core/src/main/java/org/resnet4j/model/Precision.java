package org.resnet4j.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;
import java.util.function.Consumer;
import org.resnet4j.UsageException;
import org.resnet4j.util.Devices;

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
     * The precision to compute in on {@code device} when this one is asked for: bfloat16 on a device that
     * computes it natively ({@link Devices#computesBf16}); elsewhere float32, after one line to
     * {@code notice} saying so (emulated bfloat16 would be slower than float32, not faster).
     */
    public Precision on(Device device, Consumer<String> notice) {
        if (this == FP32 || Devices.computesBf16(device)) {
            return this;
        }
        notice.accept("resnet4j: --precision " + this + ": this CPU has neither AVX512_BF16 nor AMX; computing in fp32");
        return FP32;
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
