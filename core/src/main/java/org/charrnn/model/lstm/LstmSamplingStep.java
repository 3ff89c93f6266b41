package org.charrnn.model.lstm;

import org.charrnn.model.kernel.FloatActivations;
import org.charrnn.model.kernel.RowMatrix;
import org.charrnn.model.kernel.RowSamplingStep;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One LSTM layer, one step at a time: z = x·Wx + h·Wr + b, gates i, f, g, o in blocks of n. */
final class LstmSamplingStep extends RowSamplingStep {
    private final float[] c;
    private final float[] z;

    LstmSamplingStep(INDArray wx, INDArray wr, INDArray b) {
        super(wx, wr, b);
        c = new float[n];
        z = new float[4 * n];
    }

    private LstmSamplingStep(LstmSamplingStep weights) {
        super(weights);
        c = new float[n];
        z = new float[4 * n];
    }

    @Override
    public LstmSamplingStep fresh() {
        return new LstmSamplingStep(this);
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
            addInput(oneHot, x, z, lo, hi);
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
    public float[] activation() {
        float[] a = new float[n];
        for (int j = 0; j < n; j++) a[j] = (float) Math.tanh(c[j]);
        return a;
    }

    @Override
    public void reset() {
        super.reset();
        java.util.Arrays.fill(c, 0f);
    }

    @Override
    public float[] saveState() {
        float[] s = java.util.Arrays.copyOf(h, 2 * n);
        System.arraycopy(c, 0, s, n, n);
        return s;
    }

    @Override
    public void restoreState(float[] state) {
        System.arraycopy(state, 0, h, 0, n);
        System.arraycopy(state, n, c, 0, n);
    }
}
