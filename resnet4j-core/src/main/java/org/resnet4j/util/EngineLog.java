package org.resnet4j.util;

import com.sun.jna.NativeLibrary;

/**
 * Keeps the engine's C++ warnings off the user's terminal: libtorch logs through c10, whose level
 * only its Python module reads from TORCH_CPP_LOG_LEVEL, so on CPUs NNPACK does not support every
 * convolution shape printed "Could not initialize NNPACK! Reason: Unsupported hardware." to stderr.
 * {@link #quiet} holds that log to errors, by setting c10's level flag in the loaded library;
 * RESNET4J_DEBUG=1 leaves it as it is.
 */
public final class EngineLog {
    private static final int ERROR = 2; // c10's levels: 0 info, 1 warning, 2 error, 3 fatal
    private static boolean done;

    private EngineLog() {}

    /** Once the engine is loaded: c10 logs errors only (nothing happens for an engine build without the flag). */
    public static synchronized void quiet() {
        if (done) {
            return;
        }
        done = true;
        if (System.getenv("RESNET4J_DEBUG") != null) {
            return;
        }
        try {
            ai.djl.engine.Engine.getInstance(); // loads libtorch and libc10
            NativeLibrary.getInstance("c10").getGlobalVariableAddress("FLAGS_caffe2_log_level").setInt(0, ERROR);
        } catch (RuntimeException | LinkageError e) {
            // another engine build: its warnings stay, nothing else changes
        }
    }
}
