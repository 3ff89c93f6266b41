package org.charrnn.checkpoint;

import org.charrnn.model.layer.CarriedState;

import java.util.List;
import java.util.Map;

/**
 * Everything beyond the network needed to continue a run exactly: counters, the learning rate,
 * the hidden state carried into the next minibatch, and the loss history. Stored as JSON.
 *
 * @param iteration          updates done so far (the next minibatch is iteration % iterationsPerEpoch)
 * @param iterationsPerEpoch minibatches in one pass of the training split (checked on resume)
 * @param learningRate       the rate the next update uses
 * @param seed               the run's seed; dropout masks are drawn from (seed, iteration)
 * @param initialLoss        the first training loss of the run (divergence is judged against it)
 * @param carried            layer name → hidden (and an LSTM's cell) state carried into the next minibatch (base64 float32 in JSON)
 * @param trainLosses        training loss per iteration, nats/char
 * @param validations        every validation so far
 * @param textSha256         SHA-256 of the training text's characters (null in checkpoints written before it was kept)
 * @param trainingSeconds    wall-clock seconds of training so far, over every session of the run (train.max_time counts them)
 * @param budgetGoverns      true once train.max_time was found to end the run before max_epochs: from then on a cosine or
 *                           linear schedule follows the time spent (false, or absent in older checkpoints: the iterations)
 * @param averagedUpdates    updates whose weights the checkpoint's network averages (train.average_from); 0: none, the
 *                           network holds the training weights
 */
public record TrainingState(long iteration, int iterationsPerEpoch, double learningRate, long seed,
                            double initialLoss, Map<String, CarriedState.Layer> carried, List<Float> trainLosses,
                            List<Validation> validations, String textSha256, Double trainingSeconds, Boolean budgetGoverns,
                            Long averagedUpdates) {

    public TrainingState {
        if (trainingSeconds == null) trainingSeconds = 0.0; // written before the budget was kept
        if (budgetGoverns == null) budgetGoverns = false;
        if (averagedUpdates == null) averagedUpdates = 0L; // written before weights were averaged
    }

    /** A state with no time spent yet. */
    public TrainingState(long iteration, int iterationsPerEpoch, double learningRate, long seed, double initialLoss,
                         Map<String, CarriedState.Layer> carried, List<Float> trainLosses, List<Validation> validations,
                         String textSha256) {
        this(iteration, iterationsPerEpoch, learningRate, seed, initialLoss, carried, trainLosses, validations, textSha256, 0.0, false,
                0L);
    }

    /** This state with {@code seconds} of the budget already spent (a fresh run that measured the machine first). */
    public TrainingState afterSeconds(double seconds) {
        return new TrainingState(iteration, iterationsPerEpoch, learningRate, seed, initialLoss, carried, trainLosses, validations,
                textSha256, trainingSeconds + seconds, budgetGoverns, averagedUpdates);
    }

    public double epoch() {
        return iterationsPerEpoch == 0 ? 0 : (double) iteration / iterationsPerEpoch;
    }

    /** The lowest validation loss so far, or +inf (also without a validation split, whose losses are NaN). */
    public double bestValLoss() {
        return validations.stream().mapToDouble(Validation::loss).filter(Double::isFinite).min()
                .orElse(Double.POSITIVE_INFINITY);
    }

    public record Validation(long iteration, double epoch, double loss, double trainLoss) {}
}
