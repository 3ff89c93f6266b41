package org.charrnn.train;

import java.nio.file.Path;

/**
 * What a char-rnn user looks for when a run starts, in the parts the start report prints: the model
 * and its size, the text and how it is split, how long an epoch is and what ends the run, and where
 * checkpoints go.
 *
 * @param startIteration 0 for a fresh run, else where a resume picks up
 */
public record StartReport(String name, long startIteration, Model model, Text text, Schedule schedule, Path checkpointDir) {
    /** The network: its cell, depth, width, dropout and parameter count. */
    public record Model(String cell, int layers, int rnnSize, double dropout, long parameters) {}

    /**
     * The text: its alphabet and the characters of each split.
     *
     * @param valScored the val characters a validation reads (train.val_chars), at most valChars
     */
    public record Text(int vocabulary, long trainChars, long valChars, long testChars, long valScored) {
        /** Every val character scored. */
        public Text(int vocabulary, long trainChars, long valChars, long testChars) {
            this(vocabulary, trainChars, valChars, testChars, valChars);
        }
    }

    /**
     * How long the run is.
     *
     * @param totalIterations max_epochs × iterationsPerEpoch
     * @param budgetSeconds   train.max_time (0 = none)
     */
    public record Schedule(int iterationsPerEpoch, long charsPerIteration, int maxEpochs, long totalIterations, long budgetSeconds) {}
}
