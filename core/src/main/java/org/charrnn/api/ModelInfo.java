package org.charrnn.api;

import java.util.List;

/**
 * What a checkpoint holds, as {@code charrnn inspect} shows it and {@code GET /api/info} serves it.
 *
 * @param name               the run's name (config key {@code name})
 * @param checkpoint         the file it was loaded from
 * @param formatVersion      our checkpoint format version
 * @param cell               lstm, gru or rnn
 * @param core               fused (our exact kernels, state carried across minibatches) or stock (DL4J's layers)
 * @param coreDescription    one line on what the core is
 * @param layers             recurrent layers
 * @param rnnSize            units per layer
 * @param parameters         trainable parameters
 * @param vocabulary         the characters it knows, in index order
 * @param epoch              passes over the training split so far
 * @param iteration          updates so far
 * @param iterationsPerEpoch minibatches in one pass
 * @param learningRate       the rate its next update would use
 * @param bestValLoss        lowest validation loss, nats/char (+inf before the first validation)
 * @param validations        every validation of the run
 * @param config             the run's config, as YAML
 * @param averagedUpdates    the updates its weights are the mean over (train.average_from); 0: the weights of its last update
 */
public record ModelInfo(String name, String checkpoint, int formatVersion, String cell, String core, String coreDescription, int layers,
                        int rnnSize, long parameters, List<String> vocabulary, double epoch, long iteration,
                        int iterationsPerEpoch, double learningRate, double bestValLoss, List<Validation> validations,
                        String config, long averagedUpdates) {

    /** One line: what a log or a debugger wants to see (the vocabulary and config are there as fields). */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "ModelInfo[%s, %s %s %d×%d, %,d parameters, %d characters, iteration %d (epoch %.2f),"
                + " best val_loss %.4f, %s]", name, core, cell, layers, rnnSize, parameters, vocabulary.size(), iteration, epoch,
                bestValLoss, checkpoint);
    }

    /** One validation: when, and the validation and training losses then (nats/char). */
    public record Validation(long iteration, double epoch, double trainLoss, double valLoss) {}
}
