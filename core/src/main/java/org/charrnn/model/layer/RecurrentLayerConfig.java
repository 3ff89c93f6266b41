package org.charrnn.model.layer;

import org.charrnn.model.kernel.KernelChoice;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.kernel.SamplingStep;
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

/**
 * Configuration shared by our recurrent cells (LSTM, GRU, vanilla RNN): what a cell declares about
 * itself, and what DL4J needs to build, serialise and load it. Parameters are always
 * W = Wx [nIn, G·n], RW = Wr [n, G·n] and b [1, biasLength], with G the cell's gate blocks.
 * Serialised by DL4J's JSON like any layer, so a checkpoint loads in plain DL4J code that has
 * these classes on the classpath. A cell's methods are not bean getters, so JSON holds only its fields.
 */
public abstract class RecurrentLayerConfig extends BaseRecurrentLayer {
    private double initRange = 0.08;
    /** False when the input is the network's data: no gradient is wanted for it, and none is computed. */
    private boolean backpropToInput = true;
    /** True when the input is characters as indices [B, 1, T] rather than one-hot rows [B, nIn, T]. */
    private boolean readsIndices = false;
    /** True when training products read bfloat16 copies of their operands (model.precision: bf16). */
    private boolean bf16 = false;
    /** True for layer normalisation (model.layer_norm), in the cells that have it: the GRU and the LSTM. */
    private boolean layerNorm = false;

    protected RecurrentLayerConfig() {
    }

    protected RecurrentLayerConfig(Builder<?> b) {
        super(b);
        this.initRange = b.initRange;
        this.backpropToInput = b.backpropToInput;
        this.readsIndices = b.readsIndices;
        this.bf16 = b.bf16;
        this.layerNorm = b.layerNorm;
    }

    /** The cell's name as configs spell it: lstm, gru, rnn. */
    public abstract String cellName();

    /** Gate blocks of n columns in Wx and Wr. */
    public abstract int gateBlocks();

    /** Length of b for n units. */
    public abstract long biasLength(long n);

    /** Length of the layer-normalisation gains g for n units: 0 for a cell without it. */
    public long gainLength(long n) {
        return 0;
    }

    /** State arrays carried from step to step: {h} or {h, c}. */
    public abstract String[] stateNames();

    /**
     * A kernel for one layer in this data type (see {@link KernelChoice}); for training, its products
     * in bf16 when this layer asks for it (inference always multiplies in the data type).
     */
    public abstract RecurrentKernel newKernel(DataType dataType, boolean training);

    /** A single-step inference cell holding copies of the given parameters (b: the bias, then any gains). */
    public abstract SamplingStep newSamplingStep(INDArray wx, INDArray wr, INDArray b);

    /** Called after the uniform init: a cell's special bias values (an LSTM's forget gate). */
    protected void initBias(INDArray b, long n) {
    }

    /** Called after the uniform init when the cell has gains: they start at 1 (a cell with shifts among them sets those). */
    protected void initGains(INDArray g, long n) {
        g.assign(1);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        LayerValidation.assertNInNOutSet(getClass().getSimpleName(), getLayerName(), layerIndex, getNIn(), getNOut());
        return Layers.wire(new RecurrentLayer(conf, networkDataType), conf, listeners, layerIndex, layerParamsView,
                initializeParams, initializer());
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

    public boolean isReadsIndices() {
        return readsIndices;
    }

    public boolean isBf16() {
        return bf16;
    }

    public void setBf16(boolean bf16) {
        this.bf16 = bf16;
    }

    public void setReadsIndices(boolean readsIndices) {
        this.readsIndices = readsIndices;
    }

    public boolean isLayerNorm() {
        return layerNorm;
    }

    public void setLayerNorm(boolean layerNorm) {
        this.layerNorm = layerNorm;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && super.equals(o)
                && ((RecurrentLayerConfig) o).initRange == initRange && ((RecurrentLayerConfig) o).backpropToInput == backpropToInput
                && ((RecurrentLayerConfig) o).readsIndices == readsIndices && ((RecurrentLayerConfig) o).bf16 == bf16
                && ((RecurrentLayerConfig) o).layerNorm == layerNorm;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(initRange) * 17 + (backpropToInput ? 1 : 0) + (readsIndices ? 2 : 0) + (bf16 ? 4 : 0)
                + (layerNorm ? 8 : 0);
    }

    @Override
    public ParamInitializer initializer() {
        return RecurrentParams.getInstance();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return null; // DL4J's memory estimator is not used by this application
    }

    public abstract static class Builder<T extends Builder<T>> extends BaseRecurrentLayer.Builder<T> {
        private double initRange = 0.08;
        private boolean backpropToInput = true;
        private boolean readsIndices = false;
        private boolean bf16 = false;
        private boolean layerNorm = false;

        /** Layer normalisation (model.layer_norm): the cells that have it say what it normalises. */
        @SuppressWarnings("unchecked")
        public T layerNorm(boolean v) {
            this.layerNorm = v;
            return (T) this;
        }

        /** Training products with bfloat16 operands (model.precision: bf16). */
        @SuppressWarnings("unchecked")
        public T bf16(boolean v) {
            this.bf16 = v;
            return (T) this;
        }

        @SuppressWarnings("unchecked")
        public T initRange(double v) {
            this.initRange = v;
            return (T) this;
        }

        /** True for a first layer fed characters as indices [B, 1, T]: no one-hot array anywhere. */
        @SuppressWarnings("unchecked")
        public T readsIndices(boolean v) {
            this.readsIndices = v;
            return (T) this;
        }

        /** False for a first layer that reads the network's input: skips the dL/dx product nobody uses. */
        @SuppressWarnings("unchecked")
        public T backpropToInput(boolean v) {
            this.backpropToInput = v;
            return (T) this;
        }
    }
}
