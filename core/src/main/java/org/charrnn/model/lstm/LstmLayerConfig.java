package org.charrnn.model.lstm;

import org.charrnn.model.layer.RecurrentLayerConfig;
import org.charrnn.model.kernel.KernelChoice;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.kernel.SamplingStep;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Our LSTM: z = x·Wx + h·Wr + b with gate blocks i, f, g, o (the native op's and PyTorch's order);
 * c' = σ(f)∘c + σ(i)∘tanh(g); h' = σ(o)∘tanh(c'). State {h, c}. char-rnn's init, with the forget-gate
 * bias block set to {@code forget_bias}.
 */
public class LstmLayerConfig extends RecurrentLayerConfig {
    private static final String[] STATE = {"h", "c"};
    private double forgetGateBiasInit = 1.0;

    /** For DL4J's JSON deserialisation. */
    public LstmLayerConfig() {
    }

    private LstmLayerConfig(Builder b) {
        super(b);
        this.forgetGateBiasInit = b.forgetGateBiasInit;
    }

    @Override
    public String cellName() {
        return "lstm";
    }

    @Override
    public int gateBlocks() {
        return 4;
    }

    @Override
    public long biasLength(long n) {
        return 4 * n;
    }

    @Override
    public String[] stateNames() {
        return STATE.clone();
    }

    @Override
    public RecurrentKernel newKernel(DataType dataType, boolean training) {
        return KernelChoice.trainingKernel(dataType) ? new LstmTrainingKernel(training && isBf16()) : new LstmReferenceKernel();
    }

    @Override
    public SamplingStep newSamplingStep(INDArray wx, INDArray wr, INDArray b) {
        return new LstmSamplingStep(wx, wr, b);
    }

    @Override
    protected void initBias(INDArray b, long n) {
        b.get(NDArrayIndex.point(0), NDArrayIndex.interval(n, 2 * n)).assign(forgetGateBiasInit);
    }

    public double getForgetGateBiasInit() {
        return forgetGateBiasInit;
    }

    public void setForgetGateBiasInit(double forgetGateBiasInit) {
        this.forgetGateBiasInit = forgetGateBiasInit;
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && ((LstmLayerConfig) o).forgetGateBiasInit == forgetGateBiasInit;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(forgetGateBiasInit);
    }

    public static class Builder extends RecurrentLayerConfig.Builder<Builder> {
        private double forgetGateBiasInit = 1.0;

        public Builder forgetGateBiasInit(double v) {
            this.forgetGateBiasInit = v;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public LstmLayerConfig build() {
            return new LstmLayerConfig(this);
        }
    }
}
