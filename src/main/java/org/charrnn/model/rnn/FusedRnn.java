package org.charrnn.model.rnn;

import org.charrnn.model.kernel.FusedRecurrent;
import org.charrnn.model.kernel.KernelChoice;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.kernel.StepCell;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Our vanilla RNN, min-char-rnn's and char-rnn's {@code -model rnn}: h' = tanh(x·Wx + h·Wr + b),
 * Wx [nIn, n] (min-char-rnn's Wxhᵀ), Wr [n, n] (Whhᵀ), b [n] (bh). State {h}, carried from one
 * minibatch to the next as min-char-rnn carries {@code hprev} from chunk to chunk.
 */
public class FusedRnn extends FusedRecurrent {
    private static final String[] STATE = {"h"};

    /** For DL4J's JSON deserialisation. */
    public FusedRnn() {
    }

    private FusedRnn(Builder b) {
        super(b);
    }

    @Override
    public String cellName() {
        return "rnn";
    }

    @Override
    public int gateBlocks() {
        return 1;
    }

    @Override
    public long biasLength(long n) {
        return n;
    }

    @Override
    public String[] stateNames() {
        return STATE.clone();
    }

    @Override
    public RecurrentKernel newKernel(DataType dataType) {
        return KernelChoice.fast(dataType) ? new FastRnnKernel() : new ReferenceRnnKernel();
    }

    @Override
    public StepCell newStepCell(INDArray wx, INDArray wr, INDArray b) {
        return new RnnStepCell(wx, wr, b);
    }

    public static class Builder extends FusedRecurrent.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public FusedRnn build() {
            return new FusedRnn(this);
        }
    }
}
