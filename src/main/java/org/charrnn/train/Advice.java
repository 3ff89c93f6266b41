package org.charrnn.train;

import org.charrnn.checkpoint.TrainingState.Validation;
import org.charrnn.config.ModelConfig;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * char-rnn's "best models strategy", said at the right moment instead of read in a README: the
 * model's size against the data at the start, and after each validation one line when the run is
 * clearly overfitting or underfitting, naming the knob to turn. Silent when there is nothing to say.
 */
public final class Advice {
    /** Validations needed before a trend is called one. */
    static final int TREND = 3;

    private Advice() {}

    /** At the start: a model far larger or far smaller than its data. */
    public static Optional<String> forSize(long parameters, long trainingCharacters, ModelConfig model) {
        if (parameters > trainingCharacters && model.dropout() == 0) {
            return Optional.of(String.format(Locale.ROOT, "advice: %,d parameters for %,d training characters is a large model for "
                    + "this data: expect it to overfit; set model.dropout (0.2 to 0.5) or a smaller model.rnn_size (now %d)",
                    parameters, trainingCharacters, model.rnnSize()));
        }
        if (parameters * 100 < trainingCharacters) {
            return Optional.of(String.format(Locale.ROOT, "advice: %,d parameters for %,d training characters is a small model for "
                    + "this data: expect it to underfit; a larger model.rnn_size (now %d) or model.num_layers (now %d) should do better",
                    parameters, trainingCharacters, model.rnnSize(), model.numLayers()));
        }
        return Optional.empty();
    }

    /** After a validation: overfitting (val rising from its best while train falls) or underfitting (train ≈ val, both flat). */
    public static Optional<String> afterValidation(List<Validation> validations, ModelConfig model) {
        List<Validation> vs = validations.stream().filter(v -> Double.isFinite(v.loss()) && Double.isFinite(v.trainLoss())).toList();
        if (vs.size() < TREND) return Optional.empty();
        Validation last = vs.get(vs.size() - 1);
        int bestAt = 0;
        for (int i = 1; i < vs.size(); i++) if (vs.get(i).loss() < vs.get(bestAt).loss()) bestAt = i;
        Validation best = vs.get(bestAt);
        boolean valRose = vs.size() - 1 - bestAt >= 2 && last.loss() > best.loss() * 1.01;
        boolean trainFell = last.trainLoss() < best.trainLoss() - 0.02;
        if (valRose && trainFell) {
            return Optional.of(String.format(Locale.ROOT, "advice: overfitting: val loss %.4f is above its best %.4f (iteration %d) "
                    + "while train loss fell to %.4f; raise model.dropout (now %s) or use a smaller model.rnn_size (now %d); "
                    + "best.zip keeps the best", last.loss(), best.loss(), best.iteration(), last.trainLoss(), model.dropout(), model.rnnSize()));
        }
        Validation first = vs.get(vs.size() - TREND);
        boolean flat = first.loss() - last.loss() < 0.01 * last.loss();
        boolean close = Math.abs(last.trainLoss() - last.loss()) < 0.03 * last.loss();
        if (flat && close) {
            return Optional.of(String.format(Locale.ROOT, "advice: underfitting: train loss %.4f is about val loss %.4f and both are "
                    + "flat over the last %d validations; a larger model.rnn_size (now %d) or model.num_layers (now %d) should do better",
                    last.trainLoss(), last.loss(), TREND, model.rnnSize(), model.numLayers()));
        }
        return Optional.empty();
    }
}
