package org.resnet4j.dataset;

import java.util.List;

/**
 * A data set as read from disk.
 *
 * @param name the dataset name ({@code cifar10}, {@code folder}, ...)
 * @param classes class names, index = label
 * @param train the training split, or null when it was not asked for or the files hold only the test split
 * @param test the test split, or null likewise
 * @param source the file, directory or zip the data came from
 * @param fingerprint a short stable hash of the classes, labels and pixels, for provenance: the same
 *     images give the same fingerprint whatever format they were stored in
 */
public record LoadedDataset(String name, List<String> classes, ImageSet train, ImageSet test, String source,
        String fingerprint) {}
