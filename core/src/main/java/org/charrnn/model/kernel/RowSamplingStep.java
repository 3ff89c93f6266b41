package org.charrnn.model.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The part of every {@link SamplingStep} that is not its gates: weights copied out as row arrays
 * ({@link RowMatrix}), the hidden state double-buffered (a step writes hNext while h is still being
 * read; then the two swap), and the input side of a step for one character or a vector.
 */
public abstract class RowSamplingStep implements SamplingStep {
    protected final int nIn;
    protected final int n;
    protected final float[][] wx; // [nIn][G·n]
    protected final float[][] wr; // [n][G·n]
    protected final float[] b;
    protected float[] h;
    protected float[] hNext;

    protected RowSamplingStep(INDArray wx, INDArray wr, INDArray b) {
        nIn = (int) wx.size(0);
        n = (int) wr.size(0);
        this.wx = FloatArrays.rowArrays(wx);
        this.wr = FloatArrays.rowArrays(wr);
        this.b = FloatArrays.values(b);
        h = new float[n];
        hNext = new float[n];
    }

    /** Shares {@code weights}' arrays (never written after construction); fresh zero state. */
    protected RowSamplingStep(RowSamplingStep weights) {
        nIn = weights.nIn;
        n = weights.n;
        wx = weights.wx;
        wr = weights.wr;
        b = weights.b;
        h = new float[n];
        hNext = new float[n];
    }

    /** y[lo, hi) += the input's projection: row {@code oneHot} of Wx when x is null, else x·Wx. */
    protected final void addInput(int oneHot, float[] x, float[] y, int lo, int hi) {
        if (x == null) {
            float[] row = wx[oneHot];
            for (int k = lo; k < hi; k++) y[k] += row[k];
        } else {
            RowMatrix.multiplyAdd(x, nIn, wx, y, lo, hi);
        }
    }

    @Override
    public int inputs() {
        return nIn;
    }

    @Override
    public int units() {
        return n;
    }

    @Override
    public void advance() {
        float[] t = h;
        h = hNext;
        hNext = t;
    }

    @Override
    public float[] hidden() {
        return h;
    }

    /** The hidden units themselves (an LSTM shows its cells instead). */
    @Override
    public float[] activation() {
        return h.clone();
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(h, 0f);
    }

    @Override
    public float[] saveState() {
        return h.clone();
    }

    @Override
    public void restoreState(float[] state) {
        System.arraycopy(state, 0, h, 0, n);
    }
}
