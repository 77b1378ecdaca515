package org.resnet4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Prototype measurement (issue 20, "would a newer engine win?"): akamaster's CIFAR ResNet-20 (option A
 * shortcuts) built with libtorch 2.10's C++ module API through JavaCPP ({@code org.bytedeco:pytorch}
 * 2.10.0-1.5.13), timed the way {@code bench/pytorch/bench_torch.py} times PyTorch.
 *
 * <pre>
 *   train  SGD (lr 0.1, momentum 0.9, weight decay 1e-4) + cross-entropy on a fixed random batch with random
 *          labels; one iteration = zero_grad(set_to_none), forward, loss, backward, step.
 *   infer  module.eval() under a NoGradGuard; one iteration = one forward pass.
 * </pre>
 *
 * --warmup untimed iterations, then --iters timed ones (System.nanoTime); median_img_s = batch / median
 * iteration time, min/max = batch / slowest and fastest iteration. One JSON line per (mode, layout) on stdout.
 *
 * <p>Channels-last: the input is {@code contiguous(ChannelsLast)}. The C++ {@code torch::nn::Module::to} has
 * no memory-format overload (only device / dtype), so the module is converted the way Python's
 * {@code Module.to(memory_format=...)} does it: every 4-D parameter and buffer gets
 * {@code set_data(t.contiguous(ChannelsLast))}.
 */
public final class ResNet20Bench {

    static final String ENGINE = "libtorch 2.10.0 (JavaCPP 1.5.13)";

    private ResNet20Bench() {
    }

    // ---------------------------------------------------------------- model (bench/parity/torch_resnets.py)

    static Conv2dImpl conv3x3(long cin, long cout, long stride) {
        Conv2dOptions o = new Conv2dOptions(cin, cout, new LongPointer(3L, 3L));
        o.stride().put(new long[] {stride, stride}); // not put(long, long): that is put(index, value)
        o.padding().put(new LongPointer(1L, 1L));
        o.bias().put(false);
        return new Conv2dImpl(o);
    }

    /** CIFAR basic block, option A: registration order conv1, bn1, conv2, bn2 (no parameters in the shortcut). */
    static final class BasicBlock extends Module {
        final Conv2dImpl conv1;
        final BatchNorm2dImpl bn1;
        final Conv2dImpl conv2;
        final BatchNorm2dImpl bn2;
        final long stride;
        final long padBefore;
        final long padAfter;
        final boolean pads;

        BasicBlock(long cin, long cout, long stride) {
            conv1 = register_module("conv1", conv3x3(cin, cout, stride));
            bn1 = register_module("bn1", new BatchNorm2dImpl(new BatchNormOptions(cout)));
            conv2 = register_module("conv2", conv3x3(cout, cout, 1));
            bn2 = register_module("bn2", new BatchNorm2dImpl(new BatchNormOptions(cout)));
            if (stride != 1 && stride != 2) {
                throw new IllegalArgumentException("option A supports stride 1 or 2");
            }
            this.stride = stride;
            this.pads = stride != 1 || cin != cout;
            this.padBefore = (cout - cin) / 2;
            this.padAfter = cout - cin - padBefore;
        }

        /** PadShortcut: x[:, :, ::2, ::2], then F.pad(x, (0, 0, 0, 0, before, after)). */
        Tensor shortcut(Tensor x) {
            if (!pads) {
                return x;
            }
            if (stride == 2) {
                x = x.slice(2, new LongOptional(0), new LongOptional(), 2)
                     .slice(3, new LongOptional(0), new LongOptional(), 2);
            }
            // F.pad(mode="constant", value=0) is aten::constant_pad_nd; pad pairs from the last dim backwards.
            return torch.constant_pad_nd(x, 0, 0, 0, 0, padBefore, padAfter);
        }

        Tensor forward(Tensor x) {
            Tensor out = torch.relu_(bn1.forward(conv1.forward(x)));
            out = bn2.forward(conv2.forward(out));
            out = out.add(shortcut(x));
            return torch.relu_(out);
        }
    }

    /** CifarResNet(n=3): conv1 (16), bn1, relu, layer1..3 (16/32/64), adaptive avg pool, fc 64 -> 10. */
    static final class CifarResNet extends Module {
        final Conv2dImpl conv1;
        final BatchNorm2dImpl bn1;
        final List<BasicBlock> blocks = new ArrayList<>();
        final LinearImpl fc;

        CifarResNet(int n, long numClasses) {
            conv1 = register_module("conv1", conv3x3(3, 16, 1));
            bn1 = register_module("bn1", new BatchNorm2dImpl(new BatchNormOptions(16)));
            long cin = 16;
            long[][] stages = {{16, 1}, {32, 2}, {64, 2}};
            for (int i = 0; i < stages.length; i++) {
                // The C++ API rejects dots in names; Python's keys would be layer1.0, layer1.1, ...
                Module layer = register_module("layer" + (i + 1), new Module());
                for (int j = 0; j < n; j++) {
                    BasicBlock b = layer.register_module(Integer.toString(j),
                            new BasicBlock(cin, stages[i][0], j == 0 ? stages[i][1] : 1));
                    blocks.add(b);
                    cin = stages[i][0];
                }
            }
            fc = register_module("fc", new LinearImpl(64, numClasses));
            initWeights();
        }

        /** torchvision init: kaiming_normal_(fan_out, relu) for convs; BN 1/0 and Linear are libtorch's defaults. */
        private void initWeights() {
            try (NoGradGuard g = new NoGradGuard()) {
                List<Conv2dImpl> convs = new ArrayList<>();
                convs.add(conv1);
                for (BasicBlock b : blocks) {
                    convs.add(b.conv1);
                    convs.add(b.conv2);
                }
                for (Conv2dImpl c : convs) {
                    Tensor w = c.weight();
                    double fanOut = w.size(0) * w.size(2) * w.size(3);
                    w.normal_(0.0, Math.sqrt(2.0 / fanOut), new GeneratorOptional());
                }
            }
        }

        Tensor forward(Tensor x) {
            x = torch.relu_(bn1.forward(conv1.forward(x)));
            for (BasicBlock b : blocks) {
                x = b.forward(x);
            }
            x = torch.flatten(torch.adaptive_avg_pool2d(x, 1, 1), 1, -1);
            return fc.forward(x);
        }
    }

    /** Python's Module.to(memory_format=fmt): 4-D parameters and buffers re-laid out in place (set_data). */
    static void toMemoryFormat(Module m, torch.MemoryFormat fmt) {
        try (NoGradGuard g = new NoGradGuard()) {
            for (TensorVector v : new TensorVector[] {m.parameters(), m.buffers()}) {
                for (long i = 0; i < v.size(); i++) {
                    Tensor t = v.get(i);
                    if (t.dim() == 4) {
                        t.set_data(t.contiguous(fmt));
                    }
                }
            }
        }
    }

    static long numParams(Module m) {
        TensorVector v = m.parameters();
        long n = 0;
        for (long i = 0; i < v.size(); i++) {
            n += v.get(i).numel();
        }
        return n;
    }

    // ---------------------------------------------------------------- measurement (bench_torch.py)

    static String allocator() {
        try {
            if (!Files.readString(Path.of("/proc/self/maps")).contains("tcmalloc")) {
                return "glibc malloc";
            }
            String rate = System.getenv("TCMALLOC_RELEASE_RATE");
            return "tcmalloc (release rate " + (rate == null || rate.isBlank() ? "default" : rate.trim()) + ")";
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** "3.7.1 / BLAS open" style facts from at::show_config(): the oneDNN and BLAS this libtorch was built with. */
    static String buildInfo(String key) {
        String c = torch.show_config().getString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                key.equals("onednn") ? "MKL-DNN v([0-9.]+)" : "BLAS_INFO=([^,]+)").matcher(c);
        return m.find() ? m.group(1) : "unknown";
    }

    static double loadavg() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * {@code work} under libtorch's CPU autocast in bfloat16 when {@code bf16}, as {@code with
     * torch.autocast("cpu", dtype=torch.bfloat16)} runs it in Python: enable, compute, disable, then drop the
     * weight casts it cached for this pass. Without {@code bf16}, just {@code work}.
     */
    static <T> T underAutocast(boolean bf16, Supplier<T> work) {
        if (!bf16) {
            return work.get();
        }
        torch.set_autocast_dtype(torch.DeviceType.CPU, torch.ScalarType.BFloat16);
        torch.set_autocast_enabled(torch.DeviceType.CPU, true);
        try {
            return work.get();
        } finally {
            torch.set_autocast_enabled(torch.DeviceType.CPU, false);
            torch.clear_cache();
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static void bench(String mode, String layout, int batch, int warmup, int iters, int threads, long seed,
            boolean bf16) {
        torch.manual_seed(seed);
        torch.MemoryFormat fmt = layout.equals("channels_last") ? torch.MemoryFormat.ChannelsLast
                                                                : torch.MemoryFormat.Contiguous;
        CifarResNet model = new CifarResNet(3, 10);
        long params = numParams(model);
        toMemoryFormat(model, fmt);
        Tensor x = torch.randn(batch, 3, 32, 32).contiguous(fmt);
        Tensor y = torch.randint(10, new long[] {batch});
        boolean inputCl = x.is_contiguous(torch.MemoryFormat.ChannelsLast);
        boolean weightCl = model.conv1.weight().is_contiguous(torch.MemoryFormat.ChannelsLast);
        double[] times = new double[iters];
        // training: milliseconds of zero_grad + forward + loss, of backward, and of the optimizer step, per iteration
        double[][] phases = new double[3][iters];
        float lastLoss = Float.NaN;
        boolean outputCl;
        if (mode.equals("train")) {
            model.train(true);
            SGDOptions o = new SGDOptions(0.1);
            o.momentum().put(0.9);
            o.weight_decay().put(1e-4);
            SGD opt = new SGD(model.parameters(), o);
            for (int i = 0; i < warmup + iters; i++) {
                try (PointerScope scope = new PointerScope()) {
                    long t0 = System.nanoTime();
                    opt.zero_grad(true);
                    Tensor loss = underAutocast(bf16, () -> torch.cross_entropy(model.forward(x), y));
                    long t1 = System.nanoTime();
                    loss.backward();
                    long t2 = System.nanoTime();
                    opt.step();
                    long t3 = System.nanoTime();
                    if (i >= warmup) {
                        times[i - warmup] = (t3 - t0) / 1e9;
                        phases[0][i - warmup] = (t1 - t0) / 1e6;
                        phases[1][i - warmup] = (t2 - t1) / 1e6;
                        phases[2][i - warmup] = (t3 - t2) / 1e6;
                    }
                    if (i == warmup + iters - 1) {
                        lastLoss = loss.item_float();
                    }
                }
            }
            if (!Float.isFinite(lastLoss)) {
                System.err.println("libtorch210: warning: non-finite loss " + lastLoss);
            }
        } else {
            model.eval();
            try (NoGradGuard g = new NoGradGuard()) {
                for (int i = 0; i < warmup + iters; i++) {
                    try (PointerScope scope = new PointerScope()) {
                        long t0 = System.nanoTime();
                        underAutocast(bf16, () -> model.forward(x));
                        long t = System.nanoTime() - t0;
                        if (i >= warmup) {
                            times[i - warmup] = t / 1e9;
                        }
                    }
                }
            }
        }
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            // layout actually used inside the network: memory format of the first block's output
            outputCl = underAutocast(bf16, () -> model.blocks.get(0)
                    .forward(torch.relu_(model.bn1.forward(model.conv1.forward(x))))
                    .is_contiguous(torch.MemoryFormat.ChannelsLast));
        }
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        StringBuilder s = new StringBuilder("{");
        s.append(String.format(Locale.ROOT,
                "\"engine\":\"%s\",\"model\":\"resnet20\",\"precision\":\"%s\",\"mode\":\"%s\",\"layout\":\"%s\",\"batch\":%d,"
                        + "\"threads\":%d,\"median_img_s\":%.2f,\"min\":%.2f,\"max\":%.2f,\"allocator\":\"%s\","
                        + "\"iters\":%d,\"warmup\":%d,\"median_ms\":%.3f,\"params\":%d,"
                        + "\"input_channels_last\":%b,\"weights_channels_last\":%b,\"activations_channels_last\":%b,",
                ENGINE, bf16 ? "bf16" : "fp32", mode, layout, batch, torch.get_num_threads(), batch / median,
                batch / sorted[n - 1], batch / sorted[0], allocator(), iters, warmup, median * 1e3, params, inputCl, weightCl, outputCl));
        if (mode.equals("train")) {
            s.append(String.format(Locale.ROOT, "\"last_loss\":%.4f,\"forward_ms\":%.2f,\"backward_ms\":%.2f,\"step_ms\":%.2f,",
                    lastLoss, median(phases[0]), median(phases[1]), median(phases[2])));
        }
        s.append(String.format(Locale.ROOT,
                "\"onednn\":\"%s\",\"blas\":\"%s\",\"omp_num_threads\":\"%s\",\"loadavg\":%.2f}",
                buildInfo("onednn"), buildInfo("blas"), String.valueOf(System.getenv("OMP_NUM_THREADS")), loadavg()));
        System.out.println(s);
        System.out.flush();
    }

    static void usage(String msg) {
        System.err.println("libtorch210: " + msg);
        System.err.println("usage: ResNet20Bench [--mode train|infer|both] [--layout nchw|channels_last|both]"
                + " [--batch-size 128] [--iters 20] [--warmup 5] [--threads 2] [--seed 0] [--precision fp32|bf16] [--config]");
        System.exit(2);
    }

    public static void main(String[] args) {
        String mode = "both";
        String layout = "both";
        int batch = 128;
        int iters = 20;
        int warmup = 5;
        int threads = 2;
        long seed = 0;
        String precision = "fp32";
        boolean config = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--load-only")) {
                // loads (and on the first run extracts) the natives, nothing else: see run's cache warm-up
                org.bytedeco.javacpp.Loader.load(torch.class);
                System.err.println("libtorch210: natives loaded, " + torch.get_num_threads() + " threads");
                return;
            }
            if (a.equals("--config")) {
                config = true;
                continue;
            }
            if (i + 1 >= args.length) {
                usage("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--mode" -> mode = v;
                case "--layout" -> layout = v;
                case "--batch-size" -> batch = Integer.parseInt(v);
                case "--iters" -> iters = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--precision" -> precision = v;
                default -> usage("unknown option " + a);
            }
        }
        if (!List.of("train", "infer", "both").contains(mode)
                || !List.of("nchw", "channels_last", "both").contains(layout)
                || !List.of("fp32", "bf16").contains(precision)
                || batch < 1 || iters < 1 || warmup < 0 || threads < 1) {
            usage("bad arguments");
        }
        torch.set_num_threads(threads);
        System.err.printf("libtorch210: %s, %d threads, %s, OMP_NUM_THREADS=%s%n", ENGINE, torch.get_num_threads(),
                allocator(), System.getenv("OMP_NUM_THREADS"));
        if (config) {
            System.err.println(torch.show_config().getString());
            System.err.println(torch.get_parallel_info().getString());
        }
        List<String> modes = mode.equals("both") ? List.of("train", "infer") : List.of(mode);
        List<String> layouts = layout.equals("both") ? List.of("nchw", "channels_last") : List.of(layout);
        for (String m : modes) {
            for (String l : layouts) {
                bench(m, l, batch, warmup, iters, threads, seed, precision.equals("bf16"));
            }
        }
    }
}
