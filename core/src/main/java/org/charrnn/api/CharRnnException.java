package org.charrnn.api;

/**
 * Something the model could not do: a checkpoint that cannot be read, a text file that cannot be
 * scored. The message is one line that names the file and what is wrong.
 */
public class CharRnnException extends RuntimeException {
    public CharRnnException(String message) {
        super(message);
    }

    public CharRnnException(String message, Throwable cause) {
        super(message, cause);
    }
}
