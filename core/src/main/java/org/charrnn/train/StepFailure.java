package org.charrnn.train;

import java.nio.file.Path;

/**
 * An update that failed before any of it was applied (a worker lost, a master gone): the weights,
 * optimizer state and carried state are still those of the last applied update. The trainer saves
 * them to last.zip and hands the failure on with where it saved, so the run resumes from there.
 */
public final class StepFailure extends TrainingException {
    private final long lastApplied;
    private final Path saved;

    /** Thrown by an {@link UpdateEngine}: what happened, in one line. */
    public StepFailure(String message, Throwable cause) {
        this(message, cause, -1, null);
    }

    private StepFailure(String message, Throwable cause, long lastApplied, Path saved) {
        super(message, cause);
        this.lastApplied = lastApplied;
        this.saved = saved;
    }

    /** The same failure, once the trainer has saved the run at {@code iteration} to {@code checkpoint}. */
    StepFailure savedAt(long iteration, Path checkpoint) {
        return new StepFailure(getMessage(), getCause(), iteration, checkpoint);
    }

    /** The iteration of the last update applied (and saved), or -1 before the trainer saved. */
    public long lastApplied() {
        return lastApplied;
    }

    /** Where the run's last applied update is saved, or null when this session applied none (nothing to save). */
    public Path saved() {
        return saved;
    }
}
