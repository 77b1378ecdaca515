package org.resnet4j.dataset;

import java.util.List;

/**
 * The images of one split with their labels: decoded in memory ({@link ImageSet}, fixed size) or
 * files decoded when a batch needs them ({@link ImageFiles}, any size).
 */
public sealed interface Samples permits ImageSet, ImageFiles {
    String name();

    List<String> classes();

    int size();

    int label(int i);

    /** The backing array (not a copy). */
    int[] labels();

    /** The samples at {@code indices}, in that order. */
    Samples subset(int[] indices);

    /** The same samples under another name. */
    Samples withName(String name);
}
