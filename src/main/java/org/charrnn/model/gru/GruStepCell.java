package org.charrnn.model.gru;

import org.charrnn.model.kernel.FloatActivations;
import org.charrnn.model.kernel.FloatArrays;
import org.charrnn.model.kernel.RowMatrix;
import org.charrnn.model.kernel.StepCell;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One GRU layer ({@link FusedGru}'s equations), one step at a time. */
final class GruStepCell implements StepCell {
    private final int nIn;
    private final int n;
    private final float[][] wx; // [nIn][3n]
    private final float[][] wr; // [n][3n]
    private final float[] b;    // [4n]
    private float[] h;
    private float[] hNext;
    private final float[] fromInput;  // [3n]
    private final float[] fromHidden; // [3n]

    GruStepCell(INDArray wx, INDArray wr, INDArray b) {
        nIn = (int) wx.size(0);
        n = (int) wr.size(0);
        this.wx = FloatArrays.rowArrays(wx);
        this.wr = FloatArrays.rowArrays(wr);
        this.b = FloatArrays.values(b);
        h = new float[n];
        hNext = new float[n];
        fromInput = new float[3 * n];
        fromHidden = new float[3 * n];
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
        return (long) (nIn + n) * 3 * n;
    }

    @Override
    public void step(int oneHot, float[] x, int j0, int j1) {
        for (int q = 0; q < 3; q++) {
            int lo = q * n + j0;
            int hi = q * n + j1;
            System.arraycopy(b, lo, fromInput, lo, hi - lo);
            if (x == null) {
                float[] row = wx[oneHot];
                for (int k = lo; k < hi; k++) fromInput[k] += row[k];
            } else {
                RowMatrix.multiplyAdd(x, nIn, wx, fromInput, lo, hi);
            }
            java.util.Arrays.fill(fromHidden, lo, hi, 0f);
            RowMatrix.multiplyAdd(h, n, wr, fromHidden, lo, hi);
        }
        for (int j = j0; j < j1; j++) {
            float r = FloatActivations.sigmoid(fromInput[j] + fromHidden[j]);
            float z = FloatActivations.sigmoid(fromInput[n + j] + fromHidden[n + j]);
            float c = FloatActivations.tanh(fromInput[2 * n + j] + r * (fromHidden[2 * n + j] + b[3 * n + j]));
            hNext[j] = c + z * (h[j] - c);
        }
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
