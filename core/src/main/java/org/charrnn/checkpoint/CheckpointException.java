package org.charrnn.checkpoint;

/** A checkpoint that cannot be read or written: a one-line message naming the file. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
