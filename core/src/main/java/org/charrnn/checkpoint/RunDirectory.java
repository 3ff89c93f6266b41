package org.charrnn.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a model is: a checkpoint file, or a run directory standing for its best.zip (else its
 * last.zip, when the run stopped before its first validation). One rule for every command that
 * reads a model and for the library.
 */
public final class RunDirectory {
    public static final String LAST = "last.zip";
    public static final String BEST = "best.zip";

    private RunDirectory() {}

    /** {@code given} itself when it is not a directory; else the run's best.zip, or its last.zip. */
    public static Path checkpointIn(Path given) {
        if (!Files.isDirectory(given)) return given;
        if (Files.isRegularFile(given.resolve(BEST))) return given.resolve(BEST);
        if (Files.isRegularFile(given.resolve(LAST))) return given.resolve(LAST);
        throw new CheckpointException(given + ": a directory holding no checkpoint (no " + BEST + " or " + LAST
                + "); give a checkpoint file or a run's directory");
    }

    /** "FILE: checkpoint not found", with the run's last.zip when best.zip was asked for and is not there yet. */
    static String notFound(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        String message = file + ": checkpoint not found";
        if (dir != null && file.getFileName().toString().equals(BEST) && Files.isRegularFile(dir.resolve(LAST))) {
            Path last = file.resolveSibling(LAST);
            return message + "; the run has no " + BEST + " yet (it stopped before its first validation): use " + last
                    + ", or the directory " + (file.getParent() == null ? "." : file.getParent()) + " (its best, else its last)";
        }
        return message;
    }
}
