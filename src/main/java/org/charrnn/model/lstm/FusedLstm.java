package org.charrnn.model.lstm;

import org.charrnn.model.kernel.FusedRecurrent;
import org.charrnn.model.kernel.KernelChoice;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.kernel.StepCell;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Our LSTM: z = x·Wx + h·Wr + b with gate blocks i, f, g, o (the native op's and PyTorch's order);
 * c' = σ(f)∘c + σ(i)∘tanh(g); h' = σ(o)∘tanh(c'). State {h, c}. char-rnn's init, with the forget-gate
 * bias block set to {@code forget_bias}.
 */
public class FusedLstm extends FusedRecurrent {
    private static final String[] STATE = {"h", "c"};
    private double forgetGateBiasInit = 1.0;

    /** For DL4J's JSON deserialisation. */
    public FusedLstm() {
    }

    private FusedLstm(Builder b) {
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
    public RecurrentKernel newKernel(DataType dataType) {
        return KernelChoice.fast(dataType) ? new FastLstmKernel() : new NativeLstmKernel();
    }

    @Override
    public StepCell newStepCell(INDArray wx, INDArray wr, INDArray b) {
        return new LstmStepCell(wx, wr, b);
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
        return super.equals(o) && ((FusedLstm) o).forgetGateBiasInit == forgetGateBiasInit;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(forgetGateBiasInit);
    }

    /**
     * Our gate blocks (i, f, g, o) rearranged into DL4J's stock LSTM order. LSTMHelpers reads the
     * column blocks of W, RW and b as: [0,n) the cell input g (layer activation, tanh), [n,2n) the
     * forget gate f, [2n,3n) the output gate o, [3n,4n) the input gate i (all gates sigmoid). So
     * stock block k = our block {2, 1, 3, 0}[k]. Works on any [rows, 4n] matrix.
     */
    public static INDArray toStockGateOrder(INDArray ours) {
        long n = ours.size(1) / 4;
        int[] fromOurs = {2, 1, 3, 0};
        INDArray out = ours.dup('c');
        for (int k = 0; k < 4; k++) {
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(k * n, (k + 1) * n))
                    .assign(ours.get(NDArrayIndex.all(), NDArrayIndex.interval(fromOurs[k] * n, (fromOurs[k] + 1) * n)));
        }
        return out;
    }

    public static class Builder extends FusedRecurrent.Builder<Builder> {
        private double forgetGateBiasInit = 1.0;

        public Builder forgetGateBiasInit(double v) {
            this.forgetGateBiasInit = v;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public FusedLstm build() {
            return new FusedLstm(this);
        }
    }
}
