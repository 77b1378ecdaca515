package org.resnet4j.dataset;

/**
 * How {@link Datasets#load} reads a data set.
 *
 * @param skipBad skip undecodable images in a folder data set (and report how many) instead of failing
 * @param channels 0 keeps the channels as stored; 1 or 3 converts grey and RGB to that many
 * @param needTrain read the training split and fail if it is missing
 * @param needTest read the test split and fail if it is missing; when neither is needed, every
 *     split present is read (at least one must be)
 * @param size null, or {height, width} that every decoded image is resized to (bilinear, as torchvision's
 *     {@code Resize}), so a folder of mixed sizes becomes one fixed-size in-memory set
 * @param indexed a folder data set is indexed, not decoded: its files are decoded batch by batch
 *     ({@link ImageFiles}); other data sets are read into memory as always
 * @param cacheBytes with {@code indexed}: encoded bytes kept in memory (negative: a quarter of the heap)
 */
public record LoadOptions(boolean skipBad, int channels, boolean needTrain, boolean needTest, int[] size, boolean indexed,
        long cacheBytes) {
    public LoadOptions {
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 0, 1 or 3, not " + channels);
        }
        if (size != null && (size.length != 2 || size[0] < 1 || size[1] < 1)) {
            throw new IllegalArgumentException("size must be {height, width}");
        }
    }

    public LoadOptions(boolean skipBad, int channels, boolean needTrain, boolean needTest) {
        this(skipBad, channels, needTrain, needTest, null, false, -1);
    }

    /** Every split present, channels as stored. */
    public static LoadOptions whatIsThere() {
        return new LoadOptions(false, 0, false, false);
    }

    /** Decoded images resized to {@code height x width} (null: kept). */
    public LoadOptions withSize(int[] heightWidth) {
        return new LoadOptions(skipBad, channels, needTrain, needTest, heightWidth, indexed, cacheBytes);
    }

    /** Folder data sets indexed, not decoded, keeping up to {@code cache} bytes of files in memory (negative: the default). */
    public LoadOptions indexed(long cache) {
        return new LoadOptions(skipBad, channels, needTrain, needTest, size, true, cache);
    }

    boolean wantTrain(boolean present) {
        return needTrain || (!needTest && present);
    }

    boolean wantTest(boolean present) {
        return needTest || (!needTrain && present);
    }
}
