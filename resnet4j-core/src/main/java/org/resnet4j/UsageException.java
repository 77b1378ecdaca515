package org.resnet4j;

/**
 * A {@link ResNet4jException} where the command line is at fault: an option's value is out of range,
 * conflicts with another option or does not fit the data. The tool exits with code 2, as for an
 * unknown option; other errors (missing or broken files, I/O) exit with 1.
 */
public class UsageException extends ResNet4jException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
