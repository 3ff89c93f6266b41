package org.charrnn.model;

import org.charrnn.model.layer.RecurrentLayer;
import org.charrnn.model.output.SoftmaxOutputLayer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * One training update of a graph: what {@code ComputationGraph.fit(DataSet)} does, with DL4J's
 * updater and step function replaced by {@link FusedUpdate} where it applies. Forward and backward
 * stay DL4J's ({@code computeGradientAndScore}, through our layers); the iteration count advances as
 * fit advances it, so a checkpoint cannot tell which of the two trained it. A graph with anything the
 * fused update does not do (another precision, regularization, masks) is fitted by DL4J itself.
 * <p>
 * A graph that is our chain — our recurrent layers one on another, our softmax output on top — runs its
 * forward and backward here, layer by layer, without DL4J's graph machinery around them: its per-call
 * maps, workspaces and gradient bookkeeping cost more than min-char-rnn's whole update. The layers
 * are called as {@code computeGradientAndScore} calls them (the same order, the same training flag, so the
 * same dropout masks); the tests hold the two to the same gradients.
 */
public final class TrainingStep {
    /**
     * The chain's pass-scoped arrays (dropout's masked inputs and masks) live in one workspace, reused
     * update after update: allocated afresh they are native garbage the collector finds late, and the
     * process grows to its whole off-heap limit. DL4J's graph keeps them the same way.
     */
    private static final WorkspaceConfiguration PASS = WorkspaceConfiguration.builder().initialSize(0).overallocationLimit(0.05)
            .policyLearning(LearningPolicy.FIRST_LOOP).policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).build();
    private static final String PASS_WORKSPACE = "CHARRNN_TRAINING_PASS";
    private final ComputationGraph graph;
    private final FusedUpdate update;
    /** Our chain's layers from the input up, the output last; null when the graph is anything else. */
    private final List<Layer> chain;

    public TrainingStep(ComputationGraph graph) {
        this.graph = graph;
        this.update = FusedUpdate.of(graph);
        this.chain = chain(graph);
    }

    /** The layers of a graph that is input → our recurrent layers → our softmax output, in order; else null. */
    private static List<Layer> chain(ComputationGraph graph) {
        var conf = graph.getConfiguration();
        List<String> order = conf.getTopologicalOrderStr();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) return null;
        List<Layer> layers = new ArrayList<>();
        String previous = order.get(0);
        for (String name : order.subList(1, order.size())) {
            boolean last = layers.size() == order.size() - 2;
            Layer l = graph.getLayer(name);
            if (!List.of(previous).equals(conf.getVertexInputs().get(name))
                    || !(conf.getVertices().get(name) instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv)
                    || lv.getPreProcessor() != null
                    || (last ? !(l instanceof SoftmaxOutputLayer) : !(l instanceof RecurrentLayer))) {
                return null;
            }
            layers.add(l);
            previous = name;
        }
        return layers.size() < 2 ? null : layers;
    }

    /**
     * Sets every layer's learning rate. DL4J's {@code setLearningRate} rebuilds its updater and copies
     * the optimizer's whole state into new arrays each time — a schedule that moves the rate every
     * update allocated the model's size in native memory per update. The rate is the one setting of
     * the optimizer's config it changes, and the updater's blocks read that same config object, so
     * here it is set in place; should a block not share it (a DL4J that copies configs), DL4J's own
     * call runs instead.
     */
    public void setLearningRate(double rate) {
        for (Layer l : graph.getLayers()) {
            if (l.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer bl) {
                var u = bl.getIUpdater();
                if (u != null && u.hasLearningRate()) u.setLrAndSchedule(rate, null);
            }
        }
        for (var block : graph.getUpdater().getUpdaterBlocks()) {
            var config = block.getGradientUpdater().getConfig();
            if (config.hasLearningRate() && config.getLearningRate(0, 0) != rate) {
                graph.setLearningRate(rate);
                return;
            }
        }
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
        if (chain == null || batch.getFeaturesMaskArray() != null || batch.getLabelsMaskArray() != null) {
            graph.setInputs(batch.getFeatures());
            graph.setLabels(batch.getLabels());
            graph.computeGradientAndScore();
            return;
        }
        if (graph.getFlattenedGradients() == null) graph.initGradientsView(); // what DL4J's first fit does
        LayerWorkspaceMgr.Builder b = LayerWorkspaceMgr.builder().with(ArrayType.INPUT, PASS_WORKSPACE, PASS);
        for (ArrayType t : ArrayType.values()) if (t != ArrayType.INPUT) b.noWorkspaceFor(t);
        LayerWorkspaceMgr none = b.build();
        int iteration = graph.getConfiguration().getIterationCount();
        int epoch = graph.getConfiguration().getEpochCount();
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces();
             MemoryWorkspace pass = none.notifyScopeEntered(ArrayType.INPUT)) {
            INDArray x = batch.getFeatures();
            int top = chain.size() - 1;
            for (int i = 0; i <= top; i++) {
                Layer l = chain.get(i);
                l.setIterationCount(iteration);
                l.setEpochCount(epoch);
                l.setInput(x, none);
                if (i < top) x = l.activate(true, none);
            }
            Layer out = chain.get(top);
            ((SoftmaxOutputLayer) out).setLabels(batch.getLabels());
            Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray> g = out.backpropGradient(null, none);
            for (int i = top - 1; i >= 0 && g.getSecond() != null; i--) g = chain.get(i).backpropGradient(g.getSecond(), none);
            graph.setScore(((SoftmaxOutputLayer) out).computeScore(0, true, none));
        }
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
