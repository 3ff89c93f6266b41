package org.charrnn.train;

import org.charrnn.checkpoint.TrainingState.Validation;
import org.charrnn.config.ModelConfig;
import org.charrnn.config.TrainConfig;

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

    /**
     * At the start: so few iterations per epoch that a run is a handful of updates (a few KB of text
     * with char-rnn's batch 50 × 50); smaller batches give the model more, smaller steps.
     */
    public static Optional<String> forEpochLength(int perEpoch, long trainingCharacters, TrainConfig train) {
        if (perEpoch >= 10 || train.batchSize() == 1) return Optional.empty();
        int batch = (int) Math.max(1, Math.min(train.batchSize() - 1, trainingCharacters / ((long) train.seqLength() * 20)));
        return Optional.of(String.format(Locale.ROOT, "advice: only %d iteration%s per epoch: %,d training characters is little"
                        + " text for train.batch_size %d × train.seq_length %d; a smaller batch (--set train.batch_size=%d) gives"
                        + " more updates per pass", perEpoch, perEpoch == 1 ? "" : "s", trainingCharacters, train.batchSize(),
                train.seqLength(), batch));
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
