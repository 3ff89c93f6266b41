package org.charrnn.train;

import org.charrnn.checkpoint.TrainingState;

import java.util.ArrayList;
import java.util.List;

/** The run's record so far: the loss of every update, every validation, and the first loss. */
final class History {
    private final List<Float> losses;
    private final List<TrainingState.Validation> validations;
    private double initialLoss;

    History(TrainingState start) {
        losses = new ArrayList<>(start.trainLosses());
        validations = new ArrayList<>(start.validations());
        initialLoss = start.initialLoss();
    }

    void add(double loss) {
        losses.add((float) loss);
        if (Double.isNaN(initialLoss)) initialLoss = loss;
    }

    void addValidation(TrainingState.Validation v) {
        validations.add(v);
    }

    double initialLoss() {
        return initialLoss;
    }

    List<Float> losses() {
        return List.copyOf(losses);
    }

    List<TrainingState.Validation> validations() {
        return List.copyOf(validations);
    }

    /** The iteration of the last validation, or -1. */
    long lastValidation() {
        return validations.isEmpty() ? -1 : validations.get(validations.size() - 1).iteration();
    }

    /** Mean training loss of the updates since the previous validation (losses[i] is update i + 1). */
    double meanSinceLastValidation() {
        int from = (int) Math.max(0, lastValidation());
        double sum = 0;
        for (int i = from; i < losses.size(); i++) sum += losses.get(i);
        return sum / (losses.size() - from);
    }

    /** The mean of the last {@code n} losses (fewer when there are fewer). */
    double recentMean(int n) {
        int k = Math.min(n, losses.size());
        double sum = 0;
        for (int i = losses.size() - k; i < losses.size(); i++) sum += losses.get(i);
        return sum / k;
    }

    int size() {
        return losses.size();
    }

    /** What a validation is ranked by: its val loss, or without a validation split its train loss. */
    static double score(TrainingState.Validation v) {
        return Double.isNaN(v.loss()) ? v.trainLoss() : v.loss();
    }

    /** The best score of the validations so far (+∞ before the first). */
    double bestScore() {
        return validations.stream().mapToDouble(History::score).min().orElse(Double.POSITIVE_INFINITY);
    }
}
