package org.resnet4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import org.resnet4j.util.Devices;
import org.resnet4j.util.TorchScript;

/**
 * Differentiable casts between float32 and bfloat16, which DJL's PyTorch engine cannot do itself:
 * its native layer knows no bfloat16 ({@code NDArray.toType(DataType.BFLOAT16, ...)} ends the JVM
 * with {@code std::terminate}, DJL 0.35.1) and runs {@code toType} under a no-grad guard, so even a
 * supported cast cuts the autograd graph. Each cast here is a one-line TorchScript module, {@code
 * torch.to(x, dtype)}, that DJL runs with autograd on: the result has PyTorch's {@code
 * ToCopyBackward0}, so gradients flow back to the float32 weights and activations.
 *
 * <p>The modules are TorchScript archives written in Java ({@link TorchScript}). DJL
 * reports the type of a bfloat16 array as {@link DataType#UNKNOWN}; {@link #isBfloat16} tells them apart.
 */
final class Casts {
    /** PyTorch's ScalarType numbers (c10/core/ScalarType.h). */
    private static final int TORCH_FLOAT = 6;
    private static final int TORCH_BFLOAT16 = 15;

    private static volatile PtSymbolBlock toBfloat16;
    private static volatile PtSymbolBlock toFloat32;

    private Casts() {}

    /** {@code x} in bfloat16, differentiably; {@code x} itself where it is bfloat16 already. */
    static NDArray toBfloat16(NDArray x) {
        return isBfloat16(x) ? x : run(module(true), x);
    }

    /** {@code x} in float32, differentiably; {@code x} itself where it is float32 already. */
    static NDArray toFloat32(NDArray x) {
        return x.getDataType() == DataType.FLOAT32 ? x : run(module(false), x);
    }

    /** Whether {@code x} holds bfloat16 (DJL calls the type unknown: its engine has no name for it). */
    static boolean isBfloat16(NDArray x) {
        return x.getDataType() == DataType.UNKNOWN || x.getDataType() == DataType.BFLOAT16;
    }

    /** Runs a cast module with autograd on; the result belongs to the input's manager. */
    private static NDArray run(PtSymbolBlock cast, NDArray x) {
        return IValueUtils.forward(cast, new NDList(x), true).singletonOrThrow();
    }

    private static PtSymbolBlock module(boolean bfloat16) {
        PtSymbolBlock m = bfloat16 ? toBfloat16 : toFloat32;
        if (m == null) {
            synchronized (Casts.class) {
                m = bfloat16 ? toBfloat16 : toFloat32;
                if (m == null) {
                    m = load(bfloat16 ? "ToBfloat16" : "ToFloat32", bfloat16 ? TORCH_BFLOAT16 : TORCH_FLOAT);
                    if (bfloat16) {
                        toBfloat16 = m;
                    } else {
                        toFloat32 = m;
                    }
                }
            }
        }
        return m;
    }

    /**
     * Loads the module whose forward is {@code torch.to(x, scalarType)} into a manager of its own that
     * lives as long as the JVM (the module holds no tensors).
     */
    private static PtSymbolBlock load(String name, int scalarType) {
        return TorchScript.load(Devices.engine().newBaseManager(), name, "  def forward(self: __torch__." + name + ",\n"
                + "    x: Tensor) -> Tensor:\n"
                + "    return torch.to(x, " + scalarType + ")\n");
    }
}
