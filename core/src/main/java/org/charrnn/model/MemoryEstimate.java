package org.charrnn.model;

import org.charrnn.config.ModelConfig;
import org.charrnn.config.Optimization;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What training a model will take in memory, worked out from its configuration before anything is
 * allocated: the weights, their gradients and the optimizer's state (one array each per parameter,
 * two for Adam), and a minibatch's activations (each layer's gates and states at every step of the
 * segment, kept for the backward pass, and the output's logits and probabilities). An estimate:
 * within a small factor, enough to refuse a model that cannot fit before it takes the machine down.
 */
public record MemoryEstimate(long parameters, long parameterBytes, long activationBytes) {
    private static final long FLOAT = 4;

    public long totalBytes() {
        return parameterBytes + activationBytes;
    }

    public static MemoryEstimate of(ModelConfig model, Optimization optimization, int batch, int seqLength, int vocabulary) {
        ComputationGraphConfiguration conf = GraphFactory.configuration(model, optimization, vocabulary, DataType.FLOAT);
        long parameters = 0;
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv) parameters += lv.getLayerConf().getLayer().initializer().numParams(lv.getLayerConf());
        }
        int optimizerArrays = switch (optimization.optimizer()) {
            case "adam" -> 2;
            case "sgd" -> 0;
            default -> 1;
        };
        long parameterBytes = parameters * FLOAT * (2 + optimizerArrays);
        int gates = switch (model.type()) {
            case "gru" -> 3;
            case "rnn" -> 1;
            default -> 4;
        };
        long steps = (long) batch * seqLength;
        long perLayer = steps * model.rnnSize() * (gates + 3) * FLOAT * 2; // forward values and their gradients
        long output = steps * vocabulary * FLOAT * 3; // logits, probabilities, their gradient
        return new MemoryEstimate(parameters, parameterBytes, perLayer * model.numLayers() + output);
    }

    /** What this process may hold: the heap plus JavaCPP's off-heap limit (the launcher's CHARRNN_HEAP and CHARRNN_OFFHEAP). */
    public static long available() {
        return Runtime.getRuntime().maxMemory() + org.bytedeco.javacpp.Pointer.maxBytes();
    }
}
