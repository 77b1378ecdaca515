package org.resnet4j.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * oneDNN given its default cache sizes on a CPU that reports none: found in libtorch's symbol table,
 * applied where the CPU hides its caches (this project's VM, and CI's), and then the channels-last
 * 1x1 convolutions that used to end the JVM with SIGFPE run through oneDNN, forward and backward.
 */
class OneDnnCachesTest {
    @Test
    void findsOneDnnsCpuDescriptionInLibtorchsSymbolTable() throws IOException {
        Devices.engine();
        Path libtorch = loadedLibtorch();
        long[] found = OneDnnCaches.symbols(libtorch, "_ZZN4dnnl4impl3cpu3x643cpuEvE4cpu_",
                "_ZGVZN4dnnl4impl3cpu3x643cpuEvE4cpu_");
        assertThat(found).isNotNull();
        assertThat(found[0]).as("the object").isPositive();
        assertThat(found[1]).as("its guard").isPositive().isNotEqualTo(found[0]);
        assertThat(OneDnnCaches.symbols(libtorch, "no_such_symbol_in_libtorch")).isNull();
    }

    @Test
    void aFileThatIsNoElfHasNoSymbols(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("libtorch_cpu.so"), "not an ELF file, but long enough for a header: "
                + "x".repeat(100));
        assertThat(OneDnnCaches.symbols(text, "anything")).isNull();
    }

    @Test
    void appliedExactlyWhereTheCpuHidesItsCaches() {
        Devices.engine();
        assertThat(OneDnnCaches.applied()).isEqualTo(Devices.cpuHidesCaches());
        assertThat(Devices.oneByOneAsMatrixProduct(ai.djl.Device.cpu())).isFalse();
    }

    @Test
    void channelsLast1x1ConvolutionsThatCrashedRunThroughOneDnnAndEqualNchw() {
        assumeTrue(Devices.cpuHidesCaches(), "this CPU reports its cache sizes: oneDNN never crashed here");
        assumeTrue(OneDnnCaches.applied(), "oneDNN's defaults could not be applied in this libtorch");
        try (NDManager m = Devices.engine().newBaseManager()) {
            // 1024->2048 with stride 2: the bottleneck downsample of resnet50's last stage (BENCHMARKS.md, the crash)
            NDArray nhwc = m.randomNormal(new Shape(2, 8, 8, 1024));
            NDArray x = nhwc.transpose(0, 3, 1, 2); // channels-last, as the loader delivers
            NDArray nchw = x.duplicate(); // NCHW-contiguous copy: never took the brgemm 1x1 path
            NDArray w = m.randomNormal(new Shape(2048, 1024, 1, 1)).div(32);
            w.setRequiresGradient(true);
            Shape stride = new Shape(2, 2);
            NDArray expected = Conv2d.conv2d(nchw, w, null, stride, new Shape(0, 0), new Shape(1, 1), 1)
                    .singletonOrThrow();
            NDArray actual;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                actual = Conv2d.conv2d(x, w, null, stride, new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
                gc.backward(actual.sum());
            }
            assertThat(actual.getShape()).isEqualTo(new Shape(2, 2048, 4, 4));
            assertThat(actual.sub(expected).abs().max().getFloat()).isLessThan(1e-3f);
            // d(sum)/dw[o][i] = sum over the subsampled pixels of x[i]: the same for every output channel
            NDArray perInput = x.get(":, :, ::2, ::2").sum(new int[] {0, 2, 3});
            NDArray gradient = w.getGradient().reshape(2048, 1024);
            assertThat(gradient.sub(perInput.expandDims(0)).abs().max().getFloat()).isLessThan(1e-2f);
        }
    }

    private static Path loadedLibtorch() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.endsWith("/libtorch_cpu.so")) {
                return Path.of(line.substring(line.indexOf('/')));
            }
        }
        throw new IllegalStateException("libtorch_cpu.so is not loaded");
    }
}
