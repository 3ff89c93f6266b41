package org.charrnn.spark;

import org.charrnn.config.RunConfig;
import org.charrnn.model.TrainingStep;
import org.charrnn.model.layer.CarriedState;
import org.charrnn.train.UpdateEngine;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** Registers Spark training with the trainer (META-INF/services): distributed.workers above 0 finds it. */
public final class SparkUpdateProvider implements UpdateEngine.Provider {
    @Override
    public UpdateEngine open(RunConfig config, ComputationGraph graph, TrainingStep step, CarriedState carried) {
        return new SparkUpdates(config, graph, step, carried);
    }
}
