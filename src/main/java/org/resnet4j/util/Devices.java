package org.resnet4j.util;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.resnet4j.ResNet4jException;

/**
 * The one place that decides where ResNet4J computes and with how many threads.
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
        configure(0);
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

    /** The engine, loaded with ResNet4J's settings. */
    public static Engine engine() {
        configure(0);
        return Engine.getEngine("PyTorch");
    }
}
