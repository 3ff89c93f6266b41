package org.charrnn.train;

import org.charrnn.config.RunConfig;
import org.charrnn.model.TrainingStep;
import org.charrnn.model.layer.CarriedState;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Where each update of a run is computed: on this machine ({@link Local}), or with the minibatch's
 * streams spread over Spark workers (the spark module, found through {@link Provider} when
 * distributed.workers is above 0). Either way the trainer's graph holds the weights, the optimizer
 * state and the carried state, so checkpoints, resume and the schedule do not know which ran.
 */
public interface UpdateEngine extends AutoCloseable {
    /**
     * One update on this minibatch, the carried state moved on to where its streams ended.
     * Returns the loss as {@code graph.score()} reports it after fit (per sequence, averaged over the rows).
     */
    double update(DataSet batch);

    /** A line on where the updates will run (for a distributed run: the master, the application and its web UI), or none. */
    default Optional<String> description() {
        return Optional.empty();
    }

    /** A few words on how the recent updates were spent, for the progress line (a distributed run's compute and communication), or "". */
    default String live() {
        return "";
    }

    /** A line on how the updates were spent (for a distributed run: compute against communication), or none. */
    default Optional<String> summary() {
        return Optional.empty();
    }

    @Override
    void close();

    /** A way to run updates elsewhere, registered in META-INF/services. */
    interface Provider {
        /** The engine for this run's graph; it applies its updates through {@code step} and carries state in {@code carried}. */
        UpdateEngine open(RunConfig config, ComputationGraph graph, TrainingStep step, CarriedState carried);
    }

    /** The engine a config asks for: this machine, or the registered distributed one. */
    static UpdateEngine open(RunConfig config, ComputationGraph graph, TrainingStep step, CarriedState carried) {
        if (config.distributed().workers() == 0) return new Local(graph, step, carried);
        if (!step.fused()) {
            throw new TrainingException("distributed.workers: this model is trained by DL4J's own updater (masks or another"
                    + " precision), which cannot apply a gradient summed elsewhere; expected distributed.workers 0");
        }
        return ServiceLoader.load(Provider.class).findFirst()
                .orElseThrow(() -> new TrainingException("distributed.workers: " + config.distributed().workers()
                        + " needs the spark module, which is not on the classpath: run ./charrnn (it adds spark/ when"
                        + " the config or --set names distributed.workers), or build it with mvn -Pspark package"))
                .open(config, graph, step, carried);
    }

    /** Forward, backward and update on this machine's graph. */
    final class Local implements UpdateEngine {
        private final ComputationGraph graph;
        private final TrainingStep step;
        private final CarriedState carried;

        Local(ComputationGraph graph, TrainingStep step, CarriedState carried) {
            this.graph = graph;
            this.step = step;
            this.carried = carried;
        }

        @Override
        public double update(DataSet batch) {
            step.fit(batch);
            carried.advance();
            return graph.score();
        }

        @Override
        public void close() { }
    }
}
