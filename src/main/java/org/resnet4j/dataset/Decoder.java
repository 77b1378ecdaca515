package org.resnet4j.dataset;

/** Turns the bytes of an image file into a {@link Picture} of bytes, grey (1 channel) or RGB (3 channels) as stored. */
public interface Decoder {
    /**
     * The decoded picture, {@code reduce} (1, 2, 4 or 8) times smaller on each side where the
     * decoder can scale while decoding (JPEG in {@link TurboJpegDecoder}), else full size.
     *
     * @throws ImageDecodeException when the bytes are not an image this decoder reads, or a damaged one
     */
    Picture decode(byte[] bytes, int reduce);

    /** {height, width} of a JPEG this decoder can decode at a reduced size, from its header alone; else null. */
    int[] reducibleSize(byte[] bytes);

    /** What decodes, for reports ("libjpeg-turbo 2.1 (TurboJPEG)", "Java ImageIO"). */
    String name();
}
