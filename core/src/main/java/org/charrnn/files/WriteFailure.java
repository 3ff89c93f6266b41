package org.charrnn.files;

/** A file could not be written (a run-time failure, not a user's mistake): one line naming the file and why. */
public final class WriteFailure extends RuntimeException {
    public WriteFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** "cannot write FILE: WHY; WHAT" for a failed write of {@code file}. */
    public static WriteFailure of(java.nio.file.Path file, java.io.IOException e, String consequence) {
        return new WriteFailure("cannot write " + file + ": " + FileProblems.why(e, file)
                + (consequence == null || consequence.isEmpty() ? "" : "; " + consequence), e);
    }
}
