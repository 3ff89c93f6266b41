package org.charrnn.data;

/** The text itself is unusable (unreadable, empty, not UTF-8, ...): a one-line message for the user. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }
}
