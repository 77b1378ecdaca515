package org.resnet4j;

/**
 * A problem the user can fix: a bad flag, a missing or malformed file, an unknown model name.
 *
 * <p>The message is the one line the command-line tool prints (it names the file or flag and what
 * is wrong); the tool exits non-zero without a stack trace.
 */
public class ResNet4jException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ResNet4jException(String message) {
        super(message);
    }

    public ResNet4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
