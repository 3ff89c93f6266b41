package org.charrnn.model.lstm;

import org.charrnn.model.kernel.FloatActivations;
import org.charrnn.model.kernel.RowMatrix;
import org.charrnn.model.kernel.RowNorm;
import org.charrnn.model.kernel.RowSamplingStep;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One LSTM layer ({@link LstmLayerConfig}'s equations), one step at a time: z = x·Wx + h·Wr + b, gates
 * i, f, g, o in blocks of n. With layer normalisation a unit range computes only its products;
 * {@link #finish} normalises the whole rows, runs the gates and normalises the new cell state.
 */
final class LstmSamplingStep extends RowSamplingStep {
    private final boolean layerNorm;
    private final float[] c;
    private final float[] z;
    private final float[] fromHidden; // [4n], layer normalisation only: h·Wr apart from x·Wx
    private final float[] cellNorm;   // [n], layer normalisation only
    private final float[] cellTanh;   // [n]: tanh(c), without layer normalisation

    LstmSamplingStep(INDArray wx, INDArray wr, INDArray b, boolean layerNorm) {
        super(wx, wr, b);
        this.layerNorm = layerNorm;
        if (this.b.length != (layerNorm ? 14 : 4) * n) {
            throw new IllegalArgumentException("LSTM parameters b of length " + this.b.length + " for " + n + " units"
                    + (layerNorm ? " with layer normalisation" : ""));
        }
        c = new float[n];
        z = new float[4 * n];
        fromHidden = new float[layerNorm ? 4 * n : 0];
        cellNorm = new float[layerNorm ? n : 0];
        cellTanh = new float[layerNorm ? 0 : n];
    }

    private LstmSamplingStep(LstmSamplingStep weights) {
        super(weights);
        layerNorm = weights.layerNorm;
        c = new float[n];
        z = new float[4 * n];
        fromHidden = new float[layerNorm ? 4 * n : 0];
        cellNorm = new float[layerNorm ? n : 0];
        cellTanh = new float[layerNorm ? 0 : n];
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
            if (layerNorm) {
                java.util.Arrays.fill(z, lo, hi, 0f); // the bias comes after the norm
                java.util.Arrays.fill(fromHidden, lo, hi, 0f);
                addInput(oneHot, x, z, lo, hi);
                RowMatrix.multiplyAdd(h, n, wr, fromHidden, lo, hi);
            } else {
                System.arraycopy(b, lo, z, lo, hi - lo);
                addInput(oneHot, x, z, lo, hi);
                RowMatrix.multiplyAdd(h, n, wr, z, lo, hi);
            }
        }
        if (layerNorm) return;
        LstmEquations.gates(z, 0, z, n, z, 2 * n, z, 3 * n, j0, j1);
        LstmEquations.cellState(c, c, z, 0, z, n, z, 2 * n, j0, j1);
        LstmEquations.cellTanh(c, cellTanh, j0, j1);
        LstmEquations.hidden(hNext, z, 3 * n, cellTanh, j0, j1);
    }

    @Override
    public void finish() {
        if (!layerNorm) return;
        int g = 4 * n;
        RowNorm.forward(z, null, null, 0, g, z, null, null);
        RowNorm.forward(fromHidden, null, null, 0, g, fromHidden, null, null);
        for (int k = 0; k < g; k++) z[k] = b[4 * n + k] * z[k] + b[k] + b[8 * n + k] * fromHidden[k];
        LstmEquations.gates(z, 0, z, n, z, 2 * n, z, 3 * n, 0, n);
        LstmEquations.cellState(c, c, z, 0, z, n, z, 2 * n, 0, n);
        LstmEquations.hidden(hNext, z, 3 * n, normalisedCellTanh(), 0, n);
    }

    /** tanh(γc ⊙ LN(c) + βc), in cellNorm. */
    private float[] normalisedCellTanh() {
        RowNorm.forward(c, null, null, 0, n, cellNorm, null, null);
        for (int j = 0; j < n; j++) cellNorm[j] = FloatActivations.tanh(b[12 * n + j] * cellNorm[j] + b[13 * n + j]);
        return cellNorm;
    }

    /** What the output gate scales: tanh(c), or with layer normalisation tanh(γc ⊙ LN(c) + βc). */
    @Override
    public float[] activation() {
        if (layerNorm) return normalisedCellTanh().clone();
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
