package org.charrnn.train;

import org.charrnn.checkpoint.TrainingState;
import org.charrnn.config.Durations;
import org.charrnn.config.TrainConfig;

import java.util.List;
import java.util.Locale;

/** Why a run ends before max_epochs: its time budget (train.max_time) or no new best in train.patience validations. */
final class StopRules {
    private final TrainConfig train;

    StopRules(TrainConfig train) {
        this.train = train;
    }

    /**
     * Why a resumed run has nothing left to do, or null. A run stops short of its budget by the time
     * it keeps for its last validation: within 2 % of the budget (at least a second) it is spent.
     */
    String before(RunClock clock, History history) {
        double slack = Math.max(1, 0.02 * clock.budgetSeconds());
        if (clock.budgeted() && clock.secondsBefore() >= clock.budgetSeconds() - slack) {
            return "train.max_time " + Durations.format(clock.budgetSeconds()) + " was already spent by this run ("
                    + Math.round(clock.secondsBefore()) + " s); raise train.max_time to continue";
        }
        return patienceSpent(history.validations());
    }

    /** The message for the budget's end at {@code iteration}. */
    String budgetReached(long iteration, int perEpoch) {
        return String.format(Locale.ROOT, "train.max_time %s reached at iteration %d (epoch %.2f): saved; raise train.max_time"
                + " to continue with --resume last", Durations.format(train.maxTimeSeconds()), iteration, (double) iteration / perEpoch);
    }

    /** The early-stop message when the last train.patience validations brought no new best, else null. */
    String patienceSpent(List<TrainingState.Validation> validations) {
        int patience = train.patience();
        if (patience <= 0 || validations.isEmpty()) return null;
        int bestAt = 0;
        for (int i = 1; i < validations.size(); i++) {
            if (History.score(validations.get(i)) < History.score(validations.get(bestAt))) bestAt = i;
        }
        int since = validations.size() - 1 - bestAt;
        if (since < patience) return null;
        TrainingState.Validation best = validations.get(bestAt);
        return String.format(Locale.ROOT, "early stop: no new best in %d validations (train.patience %d); best.zip holds "
                + "val loss %.4f from iteration %d", since, patience, History.score(best), best.iteration());
    }
}
