package org.charrnn.train;

import org.charrnn.config.TrainConfig;

/**
 * The learning rate as a pure function of where the run is (so it cannot drift on resume):
 * <ul>
 * <li>step, char-rnn's: at the end of every epoch e ≥ learning_rate_decay_after the rate is
 * multiplied by learning_rate_decay;</li>
 * <li>cosine or linear: from learning_rate down to final_lr_frac × learning_rate as the run's
 * progress goes from 0 to 1. Progress is the larger of the iterations done (after the warm-up) over
 * max_epochs' iterations and, under train.max_time, the training time spent over the budget — so
 * whichever ends the run brings the rate to its floor exactly there, and the rate never rises after
 * the warm-up;</li>
 * </ul>
 * each after a linear warm-up of {@code warmup} iterations.
 */
public record LearningRateSchedule(TrainConfig.Schedule kind, double initial, double decay, double decayAfter, int warmup, double finalFrac) {

    public static LearningRateSchedule of(TrainConfig t) {
        return new LearningRateSchedule(t.lrSchedule(), t.learningRate(), t.learningRateDecay(), t.learningRateDecayAfter(),
                t.warmup(), t.finalLrFrac());
    }

    /**
     * The rate for the update that follows {@code iteration} completed updates, in a run of
     * {@code total} iterations that has spent {@code budgetFraction} of its time budget (0 without one).
     */
    public double at(long iteration, int iterationsPerEpoch, long total, double budgetFraction) {
        double warm = iteration < warmup ? (iteration + 1) / (double) warmup : 1;
        double p = progress(iteration, total, budgetFraction);
        return warm * switch (kind) {
            case COSINE -> initial * (finalFrac + (1 - finalFrac) * 0.5 * (1 + Math.cos(Math.PI * p)));
            case LINEAR -> initial * (1 - (1 - finalFrac) * p);
            case STEP -> step(iteration, iterationsPerEpoch);
        };
    }

    /** How far the decay has gone, in [0, 1]: iterations past the warm-up, or the budget, whichever is further. */
    public double progress(long iteration, long total, double budgetFraction) {
        double byIterations = total <= warmup ? (iteration >= total ? 1 : 0)
                : (iteration - warmup) / (double) (total - warmup);
        return Math.min(1, Math.max(0, Math.max(byIterations, budgetFraction)));
    }

    private double step(long iteration, int iterationsPerEpoch) {
        long epochsDone = iteration / iterationsPerEpoch;
        long firstDecayEpoch = Math.max(1, (long) Math.ceil(decayAfter));
        long decays = Math.max(0, epochsDone - firstDecayEpoch + 1);
        return initial * Math.pow(decay, decays);
    }
}
