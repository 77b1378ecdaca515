package org.resnet4j.bench;

import org.bytedeco.javacpp.BoolPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.LongArrayRefOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.T_TensorTensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The machine quirk of BENCHMARKS.md "The 1x1 convolution crash": this VM's CPUID reports no cache sizes, and
 * libtorch 2.7.1's oneDNN 3.7 died with SIGFPE in brgemm 1x1 blocking (est_eff_1x1) on a channels-last
 * 256 -> 1024 1x1 convolution. This runs that one convolution once, forward then backward, under libtorch 2.10.
 * Run it in its own JVM: a crash kills the process (the caller reads the exit code). Prints one line per stage
 * to stdout ("forward ok", "backward ok") so the caller knows how far it got.
 */
public final class Conv1x1Check {

    private Conv1x1Check() {
    }

    /**
     * args: [layout] [stage]; layout nchw | channels_last (default), stage
     * <ul>
     * <li>autograd (default): conv.forward(x), then y.sum().backward() (the oneDNN forward primitive first);</li>
     * <li>backward: aten::convolution_backward alone (grad input and grad weight, no forward call), so the
     *     backward primitives are reached even when the forward one crashes;</li>
     * <li>nomkldnn: as autograd with at::globalContext().setUserEnabledMkldnn(false) (Python's
     *     torch.backends.mkldnn.enabled = False), a possible workaround.</li>
     * </ul>
     */
    public static void main(String[] args) {
        String layout = args.length > 0 ? args[0] : "channels_last";
        String stage = args.length > 1 ? args[1] : "autograd";
        torch.MemoryFormat fmt = layout.equals("nchw") ? torch.MemoryFormat.Contiguous : torch.MemoryFormat.ChannelsLast;
        torch.set_num_threads(2);
        torch.manual_seed(0);
        if (stage.equals("nomkldnn")) {
            torch.globalContext().setUserEnabledMkldnn(false);
        }
        Conv2dOptions o = new Conv2dOptions(256, 1024, new LongPointer(1L, 1L));
        o.bias().put(false);
        Conv2dImpl conv = new Conv2dImpl(o);
        ResNet20Bench.toMemoryFormat(conv, fmt);
        Tensor x = torch.randn(8, 256, 14, 14).contiguous(fmt);
        System.out.println("start " + layout + " " + stage + " x channels_last="
                + x.is_contiguous(torch.MemoryFormat.ChannelsLast) + " w channels_last="
                + conv.weight().is_contiguous(torch.MemoryFormat.ChannelsLast) + " mkldnn="
                + torch.globalContext().userEnabledMkldnn());
        System.out.flush();
        if (stage.equals("backward")) {
            Tensor gy = torch.randn(8, 1024, 14, 14).contiguous(fmt);
            BoolPointer mask = new BoolPointer(3);
            mask.put(0, true).put(1, true).put(2, false);
            T_TensorTensorTensor_T g;
            try (NoGradGuard ng = new NoGradGuard()) {
                g = torch.convolution_backward(gy, x, conv.weight(), new LongArrayRefOptional(), new long[] {1, 1},
                        new long[] {0, 0}, new long[] {1, 1}, false, new long[] {0, 0}, 1, mask);
            }
            System.out.println("backward ok grad_x norm=" + g.get0().norm().item_double() + " grad_w norm="
                    + g.get1().norm().item_double());
            System.out.flush();
            return;
        }
        x.set_requires_grad(true);
        Tensor y = conv.forward(x);
        double s = y.sum().item_double();
        System.out.println("forward ok " + y.size(0) + "x" + y.size(1) + "x" + y.size(2) + "x" + y.size(3)
                + " channels_last=" + y.is_contiguous(torch.MemoryFormat.ChannelsLast) + " sum=" + s);
        System.out.flush();
        y.sum().backward();
        System.out.println("backward ok grad_w norm=" + conv.weight().grad().norm().item_double()
                + " grad_x norm=" + x.grad().norm().item_double());
        System.out.flush();
    }
}
