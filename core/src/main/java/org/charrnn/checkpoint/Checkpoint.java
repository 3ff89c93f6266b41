package org.charrnn.checkpoint;

import org.charrnn.config.RunConfig;
import org.charrnn.data.Vocabulary;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** A loaded checkpoint: the network with its optimizer state, and our metadata beside it. */
public record Checkpoint(ComputationGraph graph, Vocabulary vocabulary, RunConfig config, TrainingState state,
                         String core, int formatVersion) {
}
