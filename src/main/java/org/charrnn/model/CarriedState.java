package org.charrnn.model;

import org.charrnn.model.kernel.FusedRecurrentLayer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training loop's handle on the hidden state carried from one minibatch to the next. Only our
 * recurrent layers ({@link FusedRecurrentLayer}: LSTM, GRU, RNN) carry state; with DL4J's stock
 * layers every minibatch starts from zeros (their gradients would be wrong otherwise), and these
 * calls do nothing.
 */
public final class CarriedState {
    private CarriedState() {}

    /** After an update: the next minibatch starts where this one ended. */
    public static void advance(ComputationGraph graph) {
        for (Layer l : graph.getLayers()) if (l instanceof FusedRecurrentLayer f) f.commitCarriedState();
    }

    /** At the start of an epoch: the streams start over, from zero state. */
    public static void reset(ComputationGraph graph) {
        for (Layer l : graph.getLayers()) if (l instanceof FusedRecurrentLayer f) f.clearCarriedState();
    }

    /** Layer name → the cell's state arrays ({h, c} for an LSTM, {h} otherwise); empty when nothing is carried. */
    public static Map<String, INDArray[]> snapshot(ComputationGraph graph) {
        Map<String, INDArray[]> m = new LinkedHashMap<>();
        for (Layer l : graph.getLayers()) {
            if (l instanceof FusedRecurrentLayer f && f.carriedState() != null) m.put(f.getConfig().getLayerName(), f.carriedState());
        }
        return m;
    }

    public static void restore(ComputationGraph graph, Map<String, INDArray[]> state) {
        reset(graph);
        for (Map.Entry<String, INDArray[]> e : state.entrySet()) {
            Layer l = graph.getLayer(e.getKey());
            if (!(l instanceof FusedRecurrentLayer f)) {
                throw new IllegalArgumentException("no recurrent layer of ours named " + e.getKey());
            }
            f.setCarriedState(e.getValue());
        }
    }
}
