package org.charrnn.model.rnn;

import org.charrnn.model.layer.RecurrentLayerConfig;
import org.charrnn.model.kernel.KernelChoice;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.kernel.SamplingStep;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Our vanilla RNN, min-char-rnn's and char-rnn's {@code -model rnn}: h' = tanh(x·Wx + h·Wr + b),
 * Wx [nIn, n] (min-char-rnn's Wxhᵀ), Wr [n, n] (Whhᵀ), b [n] (bh). State {h}, carried from one
 * minibatch to the next as min-char-rnn carries {@code hprev} from chunk to chunk.
 */
public class RnnLayerConfig extends RecurrentLayerConfig {
    private static final String[] STATE = {"h"};

    /** For DL4J's JSON deserialisation. */
    public RnnLayerConfig() {
    }

    private RnnLayerConfig(Builder b) {
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
    public RecurrentKernel newKernel(DataType dataType, boolean training) {
        return KernelChoice.trainingKernel(dataType) ? new RnnTrainingKernel(training && isBf16()) : new RnnReferenceKernel();
    }

    @Override
    public SamplingStep newSamplingStep(INDArray wx, INDArray wr, INDArray b) {
        return new RnnSamplingStep(wx, wr, b);
    }

    public static class Builder extends RecurrentLayerConfig.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public RnnLayerConfig build() {
            return new RnnLayerConfig(this);
        }
    }
}
