package org.resnet4j.model;

import ai.djl.ndarray.NDArray;

/** Replaces a parameter's values from Java memory. */
final class ParameterValues {
    private ParameterValues() {}

    /**
     * Gives {@code target} the values in {@code values} (its shape, row-major). Swaps in a new
     * native tensor rather than calling {@code NDArray.set}, whose native path prints a libtorch
     * deprecation warning on the user's terminal; gradient tracking is kept.
     */
    static void assign(NDArray target, float[] values) {
        boolean tracked = target.hasGradient();
        // create() may wrap the Java buffer without copying; intern a tensor that owns its memory.
        try (NDArray wrapped = target.getManager().create(values, target.getShape())) {
            target.intern(wrapped.toDevice(target.getDevice(), false).duplicate());
        }
        if (tracked) {
            target.setRequiresGradient(true);
        }
    }
}
