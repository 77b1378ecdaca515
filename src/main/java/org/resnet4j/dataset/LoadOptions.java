package org.resnet4j.dataset;

/**
 * How {@link Datasets#load} reads a data set.
 *
 * @param skipBad skip undecodable images in a folder data set (and report how many) instead of failing
 * @param channels 0 keeps the channels as stored; 1 or 3 converts grey and RGB to that many
 * @param needTrain read the training split and fail if it is missing
 * @param needTest read the test split and fail if it is missing; when neither is needed, every
 *     split present is read (at least one must be)
 */
public record LoadOptions(boolean skipBad, int channels, boolean needTrain, boolean needTest) {
    public LoadOptions {
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 0, 1 or 3, not " + channels);
        }
    }

    /** Every split present, channels as stored. */
    public static LoadOptions whatIsThere() {
        return new LoadOptions(false, 0, false, false);
    }

    boolean wantTrain(boolean present) {
        return needTrain || (!needTest && present);
    }

    boolean wantTest(boolean present) {
        return needTest || (!needTrain && present);
    }
}
