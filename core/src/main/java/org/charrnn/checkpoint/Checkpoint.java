package org.charrnn.checkpoint;

import org.charrnn.config.RunConfig;
import org.charrnn.data.Vocabulary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A loaded checkpoint: the network with its optimizer state, and our metadata beside it.
 *
 * @param averagedWeights read to resume a run that averages its weights (train.average_from): the
 *                        average the checkpoint holds, while {@code graph} holds the weights training
 *                        continues from; otherwise null, and {@code graph} holds what the checkpoint scored
 */
public record Checkpoint(ComputationGraph graph, Vocabulary vocabulary, RunConfig config, TrainingState state,
                         String core, int formatVersion, INDArray averagedWeights) {
}
