package org.charrnn.train;

import java.nio.file.Path;

/**
 * What a char-rnn user looks for when a run starts: the model and its size, the vocabulary, how the
 * text is split, how long an epoch is, where checkpoints go, and the budget.
 *
 * @param startIteration   0 for a fresh run, else where a resume picks up
 * @param totalIterations  max_epochs × iterationsPerEpoch
 * @param budgetSeconds    train.max_time (0 = none)
 */
public record StartReport(String name, String cell, int layers, int rnnSize, double dropout, long parameters,
                          int vocabulary, long trainChars, long valChars, long testChars, int iterationsPerEpoch,
                          long charsPerIteration, long startIteration, long totalIterations, int maxEpochs,
                          long budgetSeconds, Path checkpointDir, long valScored) {
    /** Without a cap on what a validation scores. */
    public StartReport(String name, String cell, int layers, int rnnSize, double dropout, long parameters, int vocabulary,
                       long trainChars, long valChars, long testChars, int iterationsPerEpoch, long charsPerIteration,
                       long startIteration, long totalIterations, int maxEpochs, long budgetSeconds, Path checkpointDir) {
        this(name, cell, layers, rnnSize, dropout, parameters, vocabulary, trainChars, valChars, testChars, iterationsPerEpoch,
                charsPerIteration, startIteration, totalIterations, maxEpochs, budgetSeconds, checkpointDir, valChars);
    }
}
