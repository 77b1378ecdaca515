package org.resnet4j.model;

import java.util.Arrays;

/** A float32 tensor in Java memory: how weights travel between files and networks. */
public record HostTensor(long[] shape, float[] data) {
    public HostTensor {
        if (Arrays.stream(shape).reduce(1, (a, b) -> a * b) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
        }
    }

    public String shapeString() {
        return Arrays.toString(shape).replace(" ", "");
    }
}
