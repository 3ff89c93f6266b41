package org.charrnn.model.lstm;

import org.charrnn.model.kernel.FloatActivations;
import org.charrnn.model.kernel.FloatArrays;
import org.charrnn.model.kernel.RowMatrix;
import org.charrnn.model.kernel.StepCell;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One LSTM layer, one step at a time: z = x·Wx + h·Wr + b, gates i, f, g, o in blocks of n. */
final class LstmStepCell implements StepCell {
    private final int nIn;
    private final int n;
    private final float[][] wx; // [nIn][4n]
    private final float[][] wr; // [n][4n]
    private final float[] b;
    private float[] h;          // h after the last step
    private float[] hNext;      // written by a step while h is still being read; then the two swap
    private final float[] c;
    private final float[] z;

    LstmStepCell(INDArray wx, INDArray wr, INDArray b) {
        nIn = (int) wx.size(0);
        n = (int) wr.size(0);
        this.wx = FloatArrays.rowArrays(wx);
        this.wr = FloatArrays.rowArrays(wr);
        this.b = FloatArrays.values(b);
        h = new float[n];
        hNext = new float[n];
        c = new float[n];
        z = new float[4 * n];
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
        return (long) (nIn + n) * 4 * n;
    }

    /** Units [j0, j1): their four gate columns of z, then their c and h (disjoint parts of z, c and hNext). */
    @Override
    public void step(int oneHot, float[] x, int j0, int j1) {
        for (int q = 0; q < 4; q++) {
            int lo = q * n + j0;
            int hi = q * n + j1;
            System.arraycopy(b, lo, z, lo, hi - lo);
            if (x == null) {
                float[] row = wx[oneHot];
                for (int k = lo; k < hi; k++) z[k] += row[k];
            } else {
                RowMatrix.multiplyAdd(x, nIn, wx, z, lo, hi);
            }
            RowMatrix.multiplyAdd(h, n, wr, z, lo, hi);
        }
        for (int j = j0; j < j1; j++) {
            float i = FloatActivations.sigmoid(z[j]);
            float f = FloatActivations.sigmoid(z[n + j]);
            float g = FloatActivations.tanh(z[2 * n + j]);
            float o = FloatActivations.sigmoid(z[3 * n + j]);
            c[j] = f * c[j] + i * g;
            hNext[j] = o * FloatActivations.tanh(c[j]);
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
        float[] a = new float[n];
        for (int j = 0; j < n; j++) a[j] = (float) Math.tanh(c[j]);
        return a;
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(h, 0f);
        java.util.Arrays.fill(c, 0f);
    }
}
