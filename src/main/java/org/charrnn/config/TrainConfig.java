package org.charrnn.config;

/** Optimisation and bookkeeping knobs, named as in char-rnn's train.lua. */
public record TrainConfig(int batchSize, int seqLength, int maxEpochs, String optimizer, double learningRate,
                          double learningRateDecay, double learningRateDecayAfter, double decayRate,
                          double gradClip, long seed, int evalValEvery, int printEvery, String checkpointDir,
                          String savefile, int keep) {
}
