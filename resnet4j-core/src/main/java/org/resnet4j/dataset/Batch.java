package org.resnet4j.dataset;

import ai.djl.ndarray.NDArray;

/**
 * One batch from a {@link BatchLoader}.
 *
 * @param images float32 [N, C, H, W], normalised
 * @param labels int64 [N]
 * @param size N
 */
public record Batch(NDArray images, NDArray labels, int size) implements AutoCloseable {
    @Override
    public void close() {
        images.close();
        labels.close();
    }
}
