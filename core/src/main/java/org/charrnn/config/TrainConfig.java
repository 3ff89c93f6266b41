package org.charrnn.config;

import static org.charrnn.config.Key.Fixed.DATA_ORDER;
import static org.charrnn.config.Key.Fixed.TRAINING;

/**
 * Optimisation and bookkeeping knobs, named as in char-rnn's train.lua, plus a time budget, a
 * schedule that fits it and early stopping.
 */
public record TrainConfig(
        @Setting(value = "50", min = 1, max = 1_000_000, fixed = DATA_ORDER, help = "parallel streams per minibatch") int batchSize,
        @Setting(value = "50", min = 1, max = 1_000_000, fixed = DATA_ORDER,
                help = "time steps per truncated-BPTT segment") int seqLength,
        @Setting(value = "50", min = 1, help = "passes over the training text") int maxEpochs,
        @Setting(key = "max_time", duration = true,
                help = "wall-clock budget for training (90s, 10m, 2h, 1h30m); at it the run validates, saves and stops;"
                        + " a resumed run counts the time already spent") long maxTimeSeconds,
        @Setting(value = "rmsprop", fixed = TRAINING, help = "optimizer") Optimizer optimizer,
        @Setting(value = "2e-3", min = 0, minOpen = true, max = 100, help = "initial learning rate") double learningRate,
        @Setting(value = "0.97", min = 0, minOpen = true, max = 1,
                help = "step schedule: multiply the rate by this every epoch ...") double learningRateDecay,
        @Setting(value = "10", min = 0, maxOpen = true, help = "... once this many epochs are done") double learningRateDecayAfter,
        @Setting(value = "step",
                help = "step: char-rnn's decay above; cosine or linear: from learning_rate down to final_lr_frac of it at"
                        + " the run's end (its last epoch, or where max_time will stop it)") Schedule lrSchedule,
        @Setting(value = "0", min = 0, help = "iterations over which the rate rises linearly to learning_rate") int warmup,
        @Setting(value = "0.1", min = 0, max = 1, help = "where cosine and linear end, as a fraction of learning_rate") double finalLrFrac,
        @Setting(value = "1", min = 0, max = 1, fixed = TRAINING,
                help = "from this fraction of the schedule's progress on, validations score and checkpoints hold the mean of"
                        + " the weights after every update since (tail averaging); training continues from its own; 1 = off")
        double averageFrom,
        @Setting(value = "0.95", min = 0, minOpen = true, max = 1, maxOpen = true, fixed = TRAINING,
                help = "rmsprop's moving-average decay") double decayRate,
        @Setting(value = "5", min = 0, maxOpen = true, fixed = TRAINING,
                help = "clip each gradient element to [-c, c]; 0 = off") double gradClip,
        @Setting(value = "123", min = Long.MIN_VALUE / 4, max = Long.MAX_VALUE / 4, fixed = DATA_ORDER,
                help = "random seed (weights, dropout, samples)") long seed,
        @Setting(value = "0", min = 0, help = "stop after this many validations without a new best; 0 = never") int patience,
        @Setting(value = "1000", min = 1, help = "validate and checkpoint every N iterations and at each epoch's end") int evalValEvery,
        @Setting(value = "0", min = 0, help = "score at most this many characters (the start of the val split) at each"
                + " validation, so a huge text validates in bounded time; 0 = the whole split") long valChars,
        @Setting(value = "1", min = 1, help = "progress line every N iterations (in a pipe)") int printEvery,
        @Setting(path = true, help = "where checkpoints go; default models/<name>") String checkpointDir,
        @Setting(value = "lstm", help = "checkpoint names: lm_<savefile>_epoch<e>_<loss>.zip") String savefile,
        @Setting(value = "5", min = 0, help = "named checkpoints kept besides best.zip and last.zip") int keep) {

    /** What the graph itself needs from training: its optimizer, clipping and the seed of its initial weights. */
    public Optimization optimization() {
        return new Optimization(optimizer, learningRate, decayRate, gradClip, seed);
    }

    /** train.optimizer. */
    public enum Optimizer {
        RMSPROP, ADAM, ADAGRAD, SGD;

        @Override public String toString() { return ConfigSchema.valueName(this); }
    }

    /** train.lr_schedule. */
    public enum Schedule {
        STEP, COSINE, LINEAR;

        @Override public String toString() { return ConfigSchema.valueName(this); }
    }
}
