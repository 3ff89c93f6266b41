package org.charrnn.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * One training update of a graph: what {@code ComputationGraph.fit(DataSet)} does, with DL4J's
 * updater and step function replaced by {@link FusedUpdate} where it applies. Forward and backward
 * stay DL4J's ({@code computeGradientAndScore}, through our layers); the iteration count advances as
 * fit advances it, so a checkpoint cannot tell which of the two trained it. A graph with anything the
 * fused update does not do (another precision, regularization, masks) is fitted by DL4J itself.
 */
public final class TrainingStep {
    private final ComputationGraph graph;
    private final FusedUpdate update;

    public TrainingStep(ComputationGraph graph) {
        this.graph = graph;
        this.update = FusedUpdate.of(graph);
    }

    /** Whether the update runs in our fused pass (else in DL4J's updater). */
    public boolean fused() {
        return update != null;
    }

    /** One update on this minibatch; {@code graph.score()} is then its loss, as after fit. */
    public void fit(DataSet batch) {
        if (update == null || batch.getFeaturesMaskArray() != null || batch.getLabelsMaskArray() != null) {
            graph.fit(batch);
            return;
        }
        gradient(batch);
        apply((int) batch.getFeatures().size(0));
    }

    /**
     * Forward and backward over the minibatch, nothing updated: the graph's flattened gradients then
     * hold the loss's gradient summed over the rows (the update divides by the minibatch), and
     * {@code graph.score()} the loss averaged over the rows. Whoever holds a part of a minibatch's rows
     * (a Spark worker) computes its part of the sum this way.
     */
    public void gradient(DataSet batch) {
        graph.setInputs(batch.getFeatures());
        graph.setLabels(batch.getLabels());
        graph.computeGradientAndScore();
    }

    /**
     * The update for the gradient in the graph's flattened gradients, a sum over {@code batchSize}
     * rows: as after {@link #fit}, the iteration count advances and the layers' inputs are released.
     * Only for a fused graph ({@link #fused()}).
     */
    public void apply(int batchSize) {
        if (update == null) throw new IllegalStateException("this graph is fitted by DL4J's updater; there is no separate update");
        int iteration = graph.getIterationCount();
        update.apply(graph, batchSize, iteration, graph.getEpochCount());
        graph.getConfiguration().setIterationCount(iteration + 1);
        graph.clearLayersStates();
    }
}
