package org.charrnn.train;

import org.charrnn.config.TrainConfig;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A run that has diverged stops without saving: a loss that is not finite, or the mean of the last
 * {@link #WINDOW} losses above 3× the first. (Adagrad moves every weight by ±rate on its first
 * update; at min-char-rnn's rate 0.1 the next few losses run 2–3× the first and recover, as in the
 * numpy gist: a short spike is not divergence.)
 */
final class Divergence {
    static final int WINDOW = 20;

    private Divergence() {}

    /** Throws a TrainingException naming what is intact and what to change when the run has diverged. */
    static void check(double loss, History history, long iteration, TrainConfig train, Path lastGood) {
        double recent = history.recentMean(WINDOW);
        boolean sustained = history.size() >= WINDOW && recent > 3 * history.initialLoss();
        if (Double.isFinite(loss) && !sustained) return;
        String what = Double.isFinite(loss) ? String.format(Locale.ROOT, "%.4f", loss) : Double.toString(loss);
        throw new TrainingException(String.format(Locale.ROOT, "training diverged at iteration %d: loss %s (it started at %.4f)%s;"
                        + " stopped without saving, %s. Try a lower train.learning_rate (now %g) or train.grad_clip (now %g)",
                iteration, what, history.initialLoss(),
                sustained ? String.format(Locale.ROOT, ", mean of the last %d updates %.4f", WINDOW, recent) : "",
                intact(lastGood), train.learningRate(), train.gradClip()));
    }

    /** What a failed run leaves: its last good checkpoint, or nothing of this run. */
    static String intact(Path lastGood) {
        return lastGood != null ? "the last good checkpoint " + lastGood + " is intact" : "no checkpoint of this run was saved yet";
    }
}
