package org.resnet4j.dataset;

import org.resnet4j.ResNet4jException;

/** Bytes that do not decode to an image; the message says why, the caller names the file. */
public final class ImageDecodeException extends ResNet4jException {
    public ImageDecodeException(String reason) {
        super(reason);
    }
}
