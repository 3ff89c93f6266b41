package org.charrnn.model.gru;

import org.charrnn.model.kernel.RowMatrix;
import org.charrnn.model.kernel.RowNorm;
import org.charrnn.model.kernel.RowSamplingStep;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One GRU layer ({@link GruLayerConfig}'s equations), one step at a time. With layer normalisation
 * a unit range computes only its products; {@link #finish} normalises the whole rows and runs the gates.
 */
final class GruSamplingStep extends RowSamplingStep {
    private final boolean layerNorm;
    private final float[] fromInput;  // [3n]
    private final float[] fromHidden; // [3n]

    GruSamplingStep(INDArray wx, INDArray wr, INDArray b, boolean layerNorm) {
        super(wx, wr, b);
        this.layerNorm = layerNorm;
        if (this.b.length != (layerNorm ? 10 : 4) * n) {
            throw new IllegalArgumentException("GRU parameters b of length " + this.b.length + " for " + n + " units"
                    + (layerNorm ? " with layer normalisation" : ""));
        }
        fromInput = new float[3 * n];
        fromHidden = new float[3 * n];
    }

    private GruSamplingStep(GruSamplingStep weights) {
        super(weights);
        layerNorm = weights.layerNorm;
        fromInput = new float[3 * n];
        fromHidden = new float[3 * n];
    }

    @Override
    public GruSamplingStep fresh() {
        return new GruSamplingStep(this);
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
            if (layerNorm) java.util.Arrays.fill(fromInput, lo, hi, 0f); // the bias comes after the norm
            else System.arraycopy(b, lo, fromInput, lo, hi - lo);
            addInput(oneHot, x, fromInput, lo, hi);
            java.util.Arrays.fill(fromHidden, lo, hi, 0f);
            RowMatrix.multiplyAdd(h, n, wr, fromHidden, lo, hi);
        }
        if (!layerNorm) gates(j0, j1);
    }

    @Override
    public void finish() {
        if (!layerNorm) return;
        int g = 3 * n;
        RowNorm.forward(fromInput, null, null, 0, g, fromInput, null, null);
        RowNorm.forward(fromHidden, null, null, 0, g, fromHidden, null, null);
        for (int k = 0; k < g; k++) {
            fromInput[k] = b[4 * n + k] * fromInput[k] + b[k];
            fromHidden[k] *= b[7 * n + k];
        }
        gates(0, n);
    }

    /** The gates over units [j0, j1), in place in the scratch rows (rebuilt each step). */
    private void gates(int j0, int j1) {
        GruEquations.gate(fromInput, 0, fromHidden, 0, j0, j1);
        GruEquations.gate(fromInput, n, fromHidden, n, j0, j1);
        GruEquations.candidate(fromInput, 2 * n, fromInput, 0, fromHidden, 2 * n, b, 3 * n, j0, j1);
        GruEquations.hidden(hNext, fromInput, 2 * n, fromInput, n, h, j0, j1);
    }
}
