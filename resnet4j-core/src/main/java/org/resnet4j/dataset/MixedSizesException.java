package org.resnet4j.dataset;

import org.resnet4j.ResNet4jException;

/** A folder of images of different sizes read into one fixed-size set; the message says which flags fix it. */
public final class MixedSizesException extends ResNet4jException {
    public MixedSizesException(String message) {
        super(message);
    }
}
