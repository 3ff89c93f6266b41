package org.charrnn.config;

/**
 * Optimisation and bookkeeping knobs, named as in char-rnn's train.lua, plus a time budget, a
 * schedule that fits it and early stopping.
 *
 * @param maxTimeSeconds wall-clock budget for training (0 = none): at it the run validates, saves and stops
 * @param lrSchedule     step (char-rnn's decay), cosine or linear (decaying to the end of the run)
 * @param warmup         iterations over which the rate rises linearly to learning_rate
 * @param finalLrFrac    where cosine and linear end, as a fraction of learning_rate
 * @param patience       validations without a new best before the run stops (0 = never)
 */
public record TrainConfig(int batchSize, int seqLength, int maxEpochs, String optimizer, double learningRate,
                          double learningRateDecay, double learningRateDecayAfter, double decayRate,
                          double gradClip, long seed, int evalValEvery, int printEvery, String checkpointDir,
                          String savefile, int keep, long maxTimeSeconds, String lrSchedule, int warmup,
                          double finalLrFrac, int patience) {

    /** char-rnn's knobs alone: no budget, step decay, no warm-up, no early stop. */
    public TrainConfig(int batchSize, int seqLength, int maxEpochs, String optimizer, double learningRate,
                       double learningRateDecay, double learningRateDecayAfter, double decayRate,
                       double gradClip, long seed, int evalValEvery, int printEvery, String checkpointDir,
                       String savefile, int keep) {
        this(batchSize, seqLength, maxEpochs, optimizer, learningRate, learningRateDecay, learningRateDecayAfter, decayRate,
                gradClip, seed, evalValEvery, printEvery, checkpointDir, savefile, keep, 0, "step", 0, 0.1, 0);
    }
}
