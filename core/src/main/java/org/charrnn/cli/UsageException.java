package org.charrnn.cli;

/** A mistake on the command line: exit code 2, one line. */
class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
