package org.charrnn.checkpoint;

import org.charrnn.config.RunConfig;
import org.charrnn.data.Vocabulary;
import org.charrnn.model.layer.CarriedState;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

import java.util.List;
import java.util.Map;

/**
 * What a checkpoint holds must make sense, not only match its checksums (a manifest can be
 * re-hashed): finite float weights, a vocabulary the network's input and output agree with, the
 * stored config's shape, and a training state whose counters, losses and carried state fit.
 * Each problem is one "damaged checkpoint: ..." line.
 */
final class CheckpointValidator {
    private CheckpointValidator() {}

    static void validate(String name, ComputationGraph graph, Vocabulary vocabulary, RunConfig config, TrainingState state) {
        String damaged = name + ": damaged checkpoint: ";
        INDArray params = graph.params();
        if (params.dataType() != DataType.FLOAT && params.dataType() != DataType.DOUBLE) {
            throw new CheckpointException(damaged + "its weights are " + params.dataType() + ", expected FLOAT or DOUBLE");
        }
        if (params.length() > 0 && (BooleanIndexing.or(params, Conditions.isNan()) || BooleanIndexing.or(params, Conditions.isInfinite()))) {
            throw new CheckpointException(damaged + "its weights are not all finite (NaN or infinity)");
        }
        List<String> order = graph.getConfiguration().getTopologicalOrderStr();
        if (order.size() < 3) throw new CheckpointException(damaged + "the network has no layers");
        long in = width(graph.getLayer(order.get(1)), true);
        long out = width(graph.getLayer(order.get(order.size() - 1)), false);
        if (in != vocabulary.size() || out != vocabulary.size()) {
            throw new CheckpointException(damaged + "its vocabulary has " + vocabulary.size() + " characters but the network reads "
                    + in + " and predicts " + out);
        }
        int recurrent = order.size() - 2 - (config.model().embeddingSize() > 0 ? 1 : 0);
        if (recurrent != config.model().numLayers()) {
            throw new CheckpointException(damaged + "its config says " + config.model().numLayers() + " layers, the network has " + recurrent);
        }
        for (int i = 1 + (config.model().embeddingSize() > 0 ? 1 : 0); i < order.size() - 1; i++) {
            Layer l = graph.getLayer(order.get(i));
            String cell = l != null && l.conf().getLayer() instanceof org.charrnn.model.layer.RecurrentLayerConfig r ? r.cellName()
                    : l instanceof org.deeplearning4j.nn.layers.recurrent.LSTM ? "lstm"
                    : l instanceof org.deeplearning4j.nn.layers.recurrent.SimpleRnn ? "rnn" : "?";
            if (!cell.equals(config.model().type().toString()) || width(l, false) != config.model().rnnSize()) {
                throw new CheckpointException(damaged + "its config says model.type " + config.model().type() + ", model.rnn_size "
                        + config.model().rnnSize() + ", but layer " + order.get(i) + " is " + cell + " of " + width(l, false) + " units");
            }
        }
        validateState(damaged, graph, state);
    }

    private static long width(Layer layer, boolean input) {
        if (layer == null || !(layer.conf().getLayer() instanceof FeedForwardLayer f)) return -1;
        return input ? f.getNIn() : f.getNOut();
    }

    private static void validateState(String damaged, ComputationGraph graph, TrainingState s) {
        if (s.iteration() < 0 || s.iterationsPerEpoch() < 0) {
            throw new CheckpointException(damaged + "training state has iteration " + s.iteration() + " and "
                    + s.iterationsPerEpoch() + " iterations per epoch");
        }
        if (!Double.isFinite(s.learningRate()) || s.learningRate() < 0) {
            throw new CheckpointException(damaged + "training state has learning rate " + s.learningRate());
        }
        if (s.trainLosses() == null || s.validations() == null || s.carried() == null) {
            throw new CheckpointException(damaged + "training state lacks its losses, validations or carried state");
        }
        if (s.trainLosses().stream().anyMatch(l -> l == null)) {
            throw new CheckpointException(damaged + "training state has a loss that is not a number");
        }
        if (s.trainLosses().size() > s.iteration()) {
            throw new CheckpointException(damaged + "training state has " + s.trainLosses().size() + " losses for "
                    + s.iteration() + " iterations");
        }
        if (s.averagedUpdates() < 0 || s.averagedUpdates() > s.iteration()) {
            throw new CheckpointException(damaged + "training state averages " + s.averagedUpdates() + " updates of "
                    + s.iteration());
        }
        for (TrainingState.Validation v : s.validations()) {
            if (v == null || v.iteration() < 0 || v.iteration() > s.iteration()) {
                throw new CheckpointException(damaged + "training state has a validation outside iterations 0.." + s.iteration());
            }
        }
        try {
            CarriedState.of(graph).check(s.carried());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(damaged + "carried state: " + e.getMessage());
        }
    }
}
