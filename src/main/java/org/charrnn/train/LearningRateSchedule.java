package org.charrnn.train;

import org.charrnn.config.TrainConfig;

/**
 * char-rnn's schedule as a pure function of the iteration: at the end of every epoch e ≥
 * learning_rate_decay_after the rate is multiplied by learning_rate_decay. Being a function
 * (not accumulated state) it cannot drift on resume.
 */
public record LearningRateSchedule(double initial, double decay, double decayAfter) {

    public static LearningRateSchedule of(TrainConfig t) {
        return new LearningRateSchedule(t.learningRate(), t.learningRateDecay(), t.learningRateDecayAfter());
    }

    /** The rate for the update that follows {@code iteration} completed updates. */
    public double at(long iteration, int iterationsPerEpoch) {
        long epochsDone = iteration / iterationsPerEpoch;
        long firstDecayEpoch = Math.max(1, (long) Math.ceil(decayAfter));
        long decays = Math.max(0, epochsDone - firstDecayEpoch + 1);
        return initial * Math.pow(decay, decays);
    }
}
