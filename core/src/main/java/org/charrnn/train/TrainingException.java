package org.charrnn.train;

/** Training cannot go on (divergence, data too small, a run in the way): a one-line message. */
public class TrainingException extends RuntimeException {
    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
