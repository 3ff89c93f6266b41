package org.charrnn.train;

import java.nio.file.Path;

/** What the trainer reports; the command line decides how to show it. */
public interface TrainingEvents {
    /** Once, before the first update. */
    default void started(long iteration, long totalIterations, int iterationsPerEpoch, long charsPerIteration) {}

    /** After every print_every-th update. */
    default void progress(Progress p) {}

    /** After each validation, with the checkpoint it produced (null when none was written). */
    default void validated(long iteration, double epoch, double valLoss, double trainLoss, Path checkpoint, boolean best) {}

    default void message(String text) {}

    record Progress(long iteration, long totalIterations, double epoch, double trainLoss, double learningRate,
                    double charsPerSecond, double secondsLeft) {}
}
