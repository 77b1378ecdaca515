package org.resnet4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.resnet4j.util.Devices;

/**
 * The 1x1 convolution computed as a matrix product (the path taken on CPUs that hide their cache
 * sizes) against the engine's convolution on NCHW data, which never takes oneDNN's brgemm path.
 */
class ConvTest {
    @ParameterizedTest(name = "{0}->{1}, stride {2}, {3}x{3}, bias {4}")
    @CsvSource({"256, 1024, 1, 7, false", "512, 1024, 2, 8, false", "64, 256, 1, 9, true", "1024, 2048, 2, 7, true"})
    void matrixProductEqualsTheConvolutionOnChannelsLastInput(int in, int out, int stride, int size, boolean bias) {
        Devices.configure(0);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] values = new float[2 * in * size * size];
            Random r = new Random(7);
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) r.nextGaussian();
            }
            NDArray nchw = m.create(values, new Shape(2, in, size, size));
            NDArray x = m.create(toNhwc(values, 2, in, size, size), new Shape(2, size, size, in))
                    .transpose(0, 3, 1, 2); // the same values, laid out as the data loader lays them out
            NDArray w = m.randomNormal(new Shape(out, in, 1, 1)).div(Math.sqrt(in));
            NDArray b = bias ? m.randomNormal(new Shape(out)) : null;

            NDArray expected = Conv2d.conv2d(nchw, w, b, new Shape(stride, stride), new Shape(0, 0), new Shape(1, 1), 1)
                    .singletonOrThrow();
            NDArray actual = Conv.matrixProduct(x, w, b, stride);

            int outSize = (size - 1) / stride + 1;
            assertThat(actual.getShape()).isEqualTo(new Shape(2, out, outSize, outSize));
            float maxDiff = actual.sub(expected).abs().max().getFloat();
            assertThat(maxDiff).isLessThan(1e-3f);
        }
    }

    private static float[] toNhwc(float[] nchw, int n, int c, int h, int w) {
        float[] out = new float[nchw.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        out[((i * h + y) * w + xx) * c + ch] = nchw[((i * c + ch) * h + y) * w + xx];
                    }
                }
            }
        }
        return out;
    }
}
