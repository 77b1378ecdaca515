package org.resnet4j.model;

/** How a residual block's shortcut handles a change of shape (paper, section 3.3). */
public enum Shortcut {
    /** Identity; where the shape changes, stride-2 subsampling and zero-padded channels. No parameters. */
    A,
    /** Identity; a 1x1 projection (conv + BN) only where the shape changes. */
    B,
    /** A 1x1 projection on every block. */
    C,
    /** No shortcut at all: the plain nets of the degradation experiment (section 4.1, Figure 6). */
    NONE;

    public static Shortcut parse(String value) {
        for (Shortcut s : values()) {
            if (s != NONE && s.name().equalsIgnoreCase(value.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("shortcut must be A, B or C, not '" + value + "'");
    }
}
