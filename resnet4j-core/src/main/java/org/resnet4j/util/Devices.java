package org.resnet4j.util;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.resnet4j.ResNet4jException;

/**
 * The one place that decides where ResNet4J computes, with how many threads and whether the hardware
 * computes bfloat16 natively ({@link #computesBf16}).
 *
 * <p>CPU by default. A GPU user swaps the {@code pytorch-native-cpu} artifact for a CUDA one (see
 * README) and sets {@code RESNET4J_DEVICE=gpu} (or {@code gpu:1}); nothing else changes.
 */
public final class Devices {
    private static volatile boolean configured;

    private Devices() {}

    /**
     * Sets engine options before the PyTorch engine loads: offline mode (never download natives)
     * and the intra-op thread count ({@code threads <= 0}: the number of cores).
     */
    public static synchronized void configure(int threads) {
        System.setProperty("ai.djl.offline", "true");
        int n = threads > 0 ? threads : java.lang.Runtime.getRuntime().availableProcessors();
        if (configured) {
            if (threads > 0) {
                Engine.getInstance(); // engine already loaded; fall through to a live setting
                ai.djl.pytorch.jni.JniUtils.setNumThreads(n);
            }
            return;
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        configured = true;
    }

    /** The compute device named by {@code RESNET4J_DEVICE} (cpu, gpu, gpu:N); CPU when unset. */
    public static Device device() {
        engine();
        String name = System.getenv().getOrDefault("RESNET4J_DEVICE", "cpu").trim().toLowerCase();
        Device device;
        try {
            device = Device.fromName(name);
        } catch (IllegalArgumentException e) {
            throw new ResNet4jException("RESNET4J_DEVICE: unknown device '" + name + "' (use cpu, gpu or gpu:N)");
        }
        if (device.isGpu() && device.getDeviceId() >= Engine.getInstance().getGpuCount()) {
            throw new ResNet4jException("RESNET4J_DEVICE=" + name + " but the PyTorch engine sees "
                    + Engine.getInstance().getGpuCount() + " GPU(s); install a CUDA native artifact (README, GPU)");
        }
        return device;
    }

    /**
     * Whether 1x1 convolutions on {@code device} must be computed as matrix products: on a CPU
     * that hides its cache sizes. oneDNN's brgemm 1x1 convolution (libtorch 2.7.1, oneDNN 3.7)
     * sizes its blocks from the per-core cache sizes, which are 1 byte where CPUID leaf 0x8000001D
     * (AMD) or 4 (Intel) reports no caches, and divides by the resulting zero block count; not where
     * {@link OneDnnCaches} gave oneDNN its default sizes.
     */
    public static boolean oneByOneAsMatrixProduct(Device device) {
        return !device.isGpu() && CPU_HIDES_CACHES && !OneDnnCaches.applied();
    }

    /**
     * Whether inference on {@code device} runs as one program of oneDNN's fused convolutions
     * ({@code InferenceScript}): on a CPU whose 1x1 convolutions oneDNN computes
     * ({@link #oneByOneAsMatrixProduct} false). {@code -Dresnet4j.fusedInference=false} computes
     * step by step instead, as training does (for comparisons).
     */
    public static boolean fusesInference(Device device) {
        return !device.isGpu() && !oneByOneAsMatrixProduct(device)
                && !"false".equals(System.getProperty("resnet4j.fusedInference"));
    }

    private static final boolean CPU_HIDES_CACHES = readCpuHidesCaches();

    /** Whether the CPU reports no cache sizes (Linux lists none under sysfs). */
    static boolean cpuHidesCaches() {
        return CPU_HIDES_CACHES;
    }

    /** Linux lists the caches CPUID reports under sysfs; a VM that hides them leaves nothing there. */
    private static boolean readCpuHidesCaches() {
        Path cpu0 = Path.of("/sys/devices/system/cpu/cpu0");
        if (!System.getProperty("os.name", "").startsWith("Linux") || !Files.isDirectory(cpu0)) {
            return false;
        }
        try (var entries = Files.list(cpu0.resolve("cache"))) {
            return entries.noneMatch(p -> Files.isRegularFile(p.resolve("size")));
        } catch (IOException | UncheckedIOException e) {
            return true;
        }
    }

    /** Whether {@code device} computes bfloat16 natively: any GPU, or a CPU with {@link #cpuHasBf16}. */
    public static boolean computesBf16(Device device) {
        return device.isGpu() || cpuHasBf16();
    }

    /**
     * Whether the CPU computes bfloat16 natively: AVX512_BF16 (Intel Cooper Lake and later, AMD Zen 4
     * and later) or AMX (Intel Sapphire Rapids and later), the instructions oneDNN's bfloat16
     * convolutions and matrix products use, as Linux lists them in {@code /proc/cpuinfo}.
     */
    public static boolean cpuHasBf16() {
        java.util.List<String> flags = java.util.Arrays.asList(cpuFlags().split("\\s+"));
        return flags.contains("avx512_bf16") || flags.contains("amx_bf16");
    }

    /** Tests: the CPU flags to assume instead of /proc/cpuinfo's (null: the real ones). */
    static volatile String cpuFlagsOverride;

    /** The flags of the first CPU in /proc/cpuinfo, space-separated; empty where there is none (not Linux). */
    static String cpuFlags() {
        String override = cpuFlagsOverride;
        if (override != null) {
            return override;
        }
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("flags"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("");
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return "";
        }
    }

    /**
     * The engine, loaded with ResNet4J's settings, its oneDNN given cache sizes where the CPU reports
     * none ({@link OneDnnCaches}).
     */
    public static Engine engine() {
        configure(0);
        Engine engine = Engine.getEngine("PyTorch");
        OneDnnCaches.applied();
        return engine;
    }
}
