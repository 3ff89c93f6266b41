package org.charrnn.model.gru;

import org.charrnn.model.layer.RecurrentLayerConfig;
import org.charrnn.model.kernel.KernelChoice;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.kernel.SamplingStep;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Our GRU, in PyTorch's and cuDNN's form, gate blocks r, z, n (reset, update, candidate):
 * <pre>
 *   r  = σ(x·Wx_r + b_r + h·Wr_r)
 *   z  = σ(x·Wx_z + b_z + h·Wr_z)
 *   n  = tanh(x·Wx_n + b_n + r ⊙ (h·Wr_n + b_hn))
 *   h' = (1 − z) ⊙ n + z ⊙ h
 * </pre>
 * Wx [nIn, 3n], Wr [n, 3n], b [4n] = b_r | b_z | b_n | b_hn. The input-side biases are PyTorch's
 * b_i* + b_h* folded into one (equal functions); b_hn stays apart because r multiplies it. Because
 * r multiplies h·Wr_n rather than h, one [B,n]×[n,3n] GEMM per step serves all three gates.
 * char-rnn's GRU.lua differs there: it applies r before the product, n = tanh(x·W + (r ⊙ h)·U),
 * which needs a second, dependent GEMM per step. Both are GRUs of the same size and power; this
 * one matches the PyTorch peer. State {h}.
 * <p>
 * With layer normalisation (Ba, Kiros and Hinton 2016, as their LN-GRU and LMNT's haste apply it),
 * each side's pre-activations are normalised over the whole row of 3n before the gates:
 * <pre>
 *   gx = γx ⊙ LN(x·Wx) + b_r|b_z|b_n      gh = γh ⊙ LN(h·Wr)      LN(u) = (u − mean(u)) / √(var(u) + ε)
 * </pre>
 * and gx, gh take the places of x·Wx + b and h·Wr above (b_hn is still added to gh's n block). The
 * gains g [6n] = γx | γh (blocks r|z|n each) start at 1; their shift is the biases the cell has.
 */
public class GruLayerConfig extends RecurrentLayerConfig {
    private static final String[] STATE = {"h"};

    /** For DL4J's JSON deserialisation. */
    public GruLayerConfig() {
    }

    private GruLayerConfig(Builder b) {
        super(b);
    }

    @Override
    public long gainLength(long n) {
        return isLayerNorm() ? 6 * n : 0;
    }

    @Override
    public String cellName() {
        return "gru";
    }

    @Override
    public int gateBlocks() {
        return 3;
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
        return KernelChoice.trainingKernel(dataType) ? new GruTrainingKernel(training && isBf16(), isLayerNorm())
                : new GruReferenceKernel(isLayerNorm());
    }

    @Override
    public SamplingStep newSamplingStep(INDArray wx, INDArray wr, INDArray b) {
        return new GruSamplingStep(wx, wr, b, isLayerNorm());
    }

    public static class Builder extends RecurrentLayerConfig.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public GruLayerConfig build() {
            return new GruLayerConfig(this);
        }
    }
}
