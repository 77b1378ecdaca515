package org.resnet4j.dataset;

/** Turns the bytes of an image file into a {@link Picture} of bytes, grey (1 channel) or RGB (3 channels) as stored. */
public interface Decoder {
    /**
     * The decoded picture at full size.
     *
     * @throws ImageDecodeException when the bytes are not an image this decoder reads, or a damaged one
     */
    Picture decode(byte[] bytes);

    /**
     * The decoded picture at {@code eighths}/8 of the size on each side (1..8), where the decoder can
     * scale while decoding ({@link #reducibleSize} not null), else at full size.
     */
    default Picture decode(byte[] bytes, int eighths) {
        return decode(bytes);
    }

    /** {height, width} of a JPEG this decoder can decode at a reduced size, from its header alone; else null. */
    int[] reducibleSize(byte[] bytes);

    /** What decodes, for reports ("libjpeg-turbo (TurboJPEG)", "Java ImageIO"). */
    String name();
}
