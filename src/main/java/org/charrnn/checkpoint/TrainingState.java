package org.charrnn.checkpoint;

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
 * @param carried            layer name → hidden (and an LSTM's cell) state carried into the next minibatch
 * @param trainLosses        training loss per iteration, nats/char
 * @param validations        every validation so far
 * @param textSha256         SHA-256 of the training text's characters (null in checkpoints written before it was kept)
 * @param trainingSeconds    wall-clock seconds of training so far, over every session of the run (train.max_time counts them)
 * @param scheduleHorizon    the iteration a cosine or linear schedule decays to (0: not yet set)
 */
public record TrainingState(long iteration, int iterationsPerEpoch, double learningRate, long seed,
                            double initialLoss, Map<String, CarriedArrays> carried, List<Float> trainLosses,
                            List<Validation> validations, String textSha256, Double trainingSeconds, Long scheduleHorizon) {

    public TrainingState {
        if (trainingSeconds == null) trainingSeconds = 0.0; // written before the budget was kept
        if (scheduleHorizon == null) scheduleHorizon = 0L;
    }

    /** A state with no time spent and no schedule horizon yet. */
    public TrainingState(long iteration, int iterationsPerEpoch, double learningRate, long seed, double initialLoss,
                         Map<String, CarriedArrays> carried, List<Float> trainLosses, List<Validation> validations,
                         String textSha256) {
        this(iteration, iterationsPerEpoch, learningRate, seed, initialLoss, carried, trainLosses, validations, textSha256, 0.0, 0L);
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

    /**
     * One layer's carried state: h (and c, an LSTM's cell state; null for other cells), each
     * [batch, size] in row-major order. state.json holds them as base64 float32.
     */
    public record CarriedArrays(int batch, int size,
                                @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = Json.Base64Floats.Writer.class)
                                @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = Json.Base64Floats.Reader.class)
                                float[] h,
                                @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = Json.Base64Floats.Writer.class)
                                @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = Json.Base64Floats.Reader.class)
                                float[] c) {
        @Override
        public boolean equals(Object o) {
            return o instanceof CarriedArrays a && batch == a.batch && size == a.size
                    && java.util.Arrays.equals(h, a.h) && java.util.Arrays.equals(c, a.c);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(batch, size, java.util.Arrays.hashCode(h), java.util.Arrays.hashCode(c));
        }

        @Override
        public String toString() {
            return "CarriedArrays[batch=" + batch + ", size=" + size + (c == null ? ", h]" : ", h, c]");
        }
    }
}
