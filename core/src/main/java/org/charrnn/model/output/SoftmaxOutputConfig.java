package org.charrnn.model.output;

import org.charrnn.model.layer.Layers;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.util.Collection;

/**
 * The language model's output: softmax over the vocabulary with cross-entropy, exactly DL4J's
 * RnnOutputLayer with MCXENT (same parameters W [n, V] and b [1, V], same score and gradients, same
 * JSON apart from the class name) but computed by {@link SoftmaxOutputLayer}, which takes the next
 * characters as indices and fuses the passes DL4J makes separately.
 */
public class SoftmaxOutputConfig extends RnnOutputLayer {

    /** For DL4J's JSON deserialisation. */
    public SoftmaxOutputConfig() {
    }

    /** Softmax + cross-entropy from {@code nIn} units to {@code vocabulary} characters, input NCW, optional dropout on its input. */
    public static SoftmaxOutputConfig of(long nIn, long vocabulary, IDropout dropout) {
        SoftmaxOutputConfig o = new SoftmaxOutputConfig();
        o.setNIn(nIn);
        o.setNOut(vocabulary);
        o.setLossFn(new LossMCXENT());
        o.setActivationFn(new ActivationSoftmax());
        o.setRnnDataFormat(RNNFormat.NCW); // without it DL4J treats the input as NWC and backprop breaks
        o.setHasBias(true);
        if (dropout != null) o.setIDropout(dropout);
        return o;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        LayerValidation.assertNInNOutSet("SoftmaxOutputConfig", getLayerName(), layerIndex, getNIn(), getNOut());
        return Layers.wire(new SoftmaxOutputLayer(conf, networkDataType), conf, listeners, layerIndex, layerParamsView,
                initializeParams, initializer());
    }
}
