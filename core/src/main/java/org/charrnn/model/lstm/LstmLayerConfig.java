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
 * <p>
 * With layer normalisation (Ba, Kiros and Hinton 2016, section 3.1's LN-LSTM), each side's four gate
 * blocks are normalised together over the row of 4n, and the new cell state before its tanh:
 * <pre>
 *   z  = γx ⊙ LN(x·Wx) + γh ⊙ LN(h·Wr) + b
 *   c' = σ(f)∘c + σ(i)∘tanh(g)           h' = σ(o)∘tanh(γc ⊙ LN(c') + βc)
 * </pre>
 * The carried c is c' itself, not its normalised form. g [10n] = γx (4n) | γh (4n) | γc (n) | βc (n):
 * the gains start at 1, the shift βc at 0.
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
    public long gainLength(long n) {
        return isLayerNorm() ? 10 * n : 0;
    }

    @Override
    protected void initGains(INDArray g, long n) {
        g.assign(1);
        g.get(NDArrayIndex.point(0), NDArrayIndex.interval(9 * n, 10 * n)).assign(0);
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
        if (!KernelChoice.trainingKernel(dataType)) return isLayerNorm() ? new LayerNormLstmReferenceKernel() : new LstmReferenceKernel();
        return new LstmTrainingKernel(training && isBf16(), isLayerNorm());
    }

    @Override
    public SamplingStep newSamplingStep(INDArray wx, INDArray wr, INDArray b) {
        return new LstmSamplingStep(wx, wr, b, isLayerNorm());
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
