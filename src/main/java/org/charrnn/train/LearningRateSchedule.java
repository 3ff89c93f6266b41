package org.charrnn.train;

import org.charrnn.config.TrainConfig;

/**
 * The learning rate as a pure function of the iteration (so it cannot drift on resume):
 * <ul>
 * <li>step, char-rnn's: at the end of every epoch e ≥ learning_rate_decay_after the rate is
 * multiplied by learning_rate_decay;</li>
 * <li>cosine or linear: from learning_rate down to final_lr_frac × learning_rate at the run's
 * horizon (its last iteration, or where train.max_time is expected to end it);</li>
 * </ul>
 * each after a linear warm-up of {@code warmup} iterations.
 */
public record LearningRateSchedule(String kind, double initial, double decay, double decayAfter, int warmup, double finalFrac) {

    public static LearningRateSchedule of(TrainConfig t) {
        return new LearningRateSchedule(t.lrSchedule(), t.learningRate(), t.learningRateDecay(), t.learningRateDecayAfter(),
                t.warmup(), t.finalLrFrac());
    }

    /** Whether the rate depends on where the run ends (cosine, linear). */
    public boolean needsHorizon() {
        return !kind.equals("step");
    }

    /** The rate for the update that follows {@code iteration} completed updates, in a run ending at {@code horizon}. */
    public double at(long iteration, int iterationsPerEpoch, long horizon) {
        double warm = iteration < warmup ? (iteration + 1) / (double) warmup : 1;
        return warm * switch (kind) {
            case "cosine" -> initial * (finalFrac + (1 - finalFrac) * 0.5 * (1 + Math.cos(Math.PI * progress(iteration, horizon))));
            case "linear" -> initial * (1 - (1 - finalFrac) * progress(iteration, horizon));
            default -> step(iteration, iterationsPerEpoch);
        };
    }

    private double progress(long iteration, long horizon) {
        if (horizon <= warmup) return iteration >= horizon ? 1 : 0;
        return Math.min(1, Math.max(0, (iteration - warmup) / (double) (horizon - warmup)));
    }

    private double step(long iteration, int iterationsPerEpoch) {
        long epochsDone = iteration / iterationsPerEpoch;
        long firstDecayEpoch = Math.max(1, (long) Math.ceil(decayAfter));
        long decays = Math.max(0, epochsDone - firstDecayEpoch + 1);
        return initial * Math.pow(decay, decays);
    }
}
