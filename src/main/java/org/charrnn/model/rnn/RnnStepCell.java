package org.charrnn.model.rnn;

import org.charrnn.model.kernel.FloatActivations;
import org.charrnn.model.kernel.FloatArrays;
import org.charrnn.model.kernel.RowMatrix;
import org.charrnn.model.kernel.StepCell;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One vanilla RNN layer, one step at a time: h' = tanh(x·Wx + h·Wr + b). */
final class RnnStepCell implements StepCell {
    private final int nIn;
    private final int n;
    private final float[][] wx;
    private final float[][] wr;
    private final float[] b;
    private float[] h;
    private float[] hNext;
    private final float[] a;

    RnnStepCell(INDArray wx, INDArray wr, INDArray b) {
        nIn = (int) wx.size(0);
        n = (int) wr.size(0);
        this.wx = FloatArrays.rowArrays(wx);
        this.wr = FloatArrays.rowArrays(wr);
        this.b = FloatArrays.values(b);
        h = new float[n];
        hNext = new float[n];
        a = new float[n];
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
    public long workPerStep() {
        return (long) (nIn + n) * n;
    }

    @Override
    public void step(int oneHot, float[] x, int j0, int j1) {
        System.arraycopy(b, j0, a, j0, j1 - j0);
        if (x == null) {
            float[] row = wx[oneHot];
            for (int k = j0; k < j1; k++) a[k] += row[k];
        } else {
            RowMatrix.multiplyAdd(x, nIn, wx, a, j0, j1);
        }
        RowMatrix.multiplyAdd(h, n, wr, a, j0, j1);
        for (int j = j0; j < j1; j++) hNext[j] = FloatActivations.tanh(a[j]);
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

    @Override
    public float[] activation() {
        return h.clone();
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(h, 0f);
    }
}
