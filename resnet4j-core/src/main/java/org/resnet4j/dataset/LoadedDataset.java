package org.resnet4j.dataset;

import java.util.List;
import org.resnet4j.ResNet4jException;

/**
 * A data set as read from disk.
 *
 * @param name the dataset name ({@code cifar10}, {@code folder}, ...)
 * @param classes class names, index = label
 * @param train the training split, or null when it was not asked for or the files hold only the test split
 * @param test the test split, or null likewise
 * @param source the file, directory or zip the data came from
 * @param fingerprint a short stable hash of the classes, labels and pixels (of the files' names and
 *     sizes for an indexed folder), for provenance: the same images give the same fingerprint whatever
 *     format they were stored in
 */
public record LoadedDataset(String name, List<String> classes, Samples train, Samples test, String source,
        String fingerprint) {
    /** The training split decoded in memory; an error for an indexed folder. */
    public ImageSet trainImages() {
        return images(train);
    }

    /** The test split decoded in memory; an error for an indexed folder. */
    public ImageSet testImages() {
        return images(test);
    }

    private ImageSet images(Samples s) {
        if (s == null || s instanceof ImageSet) {
            return (ImageSet) s;
        }
        throw new ResNet4jException(source + ": images of different sizes; this needs them decoded at one size");
    }
}
