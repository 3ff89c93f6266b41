package org.charrnn.model;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Map;

/**
 * Configuration of our LSTM layer (see {@link FusedLstmLayer}). Serialised by DL4J's JSON like any
 * layer, so a checkpoint loads in plain DL4J code that has this class on the classpath.
 */
public class FusedLstm extends BaseRecurrentLayer {
    private double forgetGateBiasInit = 1.0;
    private double initRange = 0.08;
    /** False when the input is the network's data: no gradient is wanted for it, and none is computed. */
    private boolean backpropToInput = true;

    /** For DL4J's JSON deserialisation. */
    public FusedLstm() {
    }

    private FusedLstm(Builder b) {
        super(b);
        this.forgetGateBiasInit = b.forgetGateBiasInit;
        this.initRange = b.initRange;
        this.backpropToInput = b.backpropToInput;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        LayerValidation.assertNInNOutSet("FusedLstm", getLayerName(), layerIndex, getNIn(), getNOut());
        FusedLstmLayer layer = new FusedLstmLayer(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    public double getForgetGateBiasInit() {
        return forgetGateBiasInit;
    }

    public void setForgetGateBiasInit(double forgetGateBiasInit) {
        this.forgetGateBiasInit = forgetGateBiasInit;
    }

    public double getInitRange() {
        return initRange;
    }

    public void setInitRange(double initRange) {
        this.initRange = initRange;
    }

    public boolean isBackpropToInput() {
        return backpropToInput;
    }

    public void setBackpropToInput(boolean backpropToInput) {
        this.backpropToInput = backpropToInput;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FusedLstm f && super.equals(o) && f.forgetGateBiasInit == forgetGateBiasInit
                && f.initRange == initRange && f.backpropToInput == backpropToInput;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(forgetGateBiasInit) * 17 + Double.hashCode(initRange) + (backpropToInput ? 1 : 0);
    }

    @Override
    public ParamInitializer initializer() {
        return FusedLstmParams.getInstance();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return null; // DL4J's memory estimator is not used by this application
    }

    public static class Builder extends BaseRecurrentLayer.Builder<Builder> {
        private double forgetGateBiasInit = 1.0;
        private double initRange = 0.08;
        private boolean backpropToInput = true;

        public Builder forgetGateBiasInit(double v) {
            this.forgetGateBiasInit = v;
            return this;
        }

        public Builder initRange(double v) {
            this.initRange = v;
            return this;
        }

        /** False for a first layer that reads the network's input: skips the dL/dx product nobody uses. */
        public Builder backpropToInput(boolean v) {
            this.backpropToInput = v;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public FusedLstm build() {
            return new FusedLstm(this);
        }
    }
}
