package org.charrnn.model.gru;

import org.charrnn.model.kernel.FloatActivations;
import org.charrnn.model.kernel.RowMatrix;
import org.charrnn.model.kernel.RowSamplingStep;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One GRU layer ({@link GruLayerConfig}'s equations), one step at a time. */
final class GruSamplingStep extends RowSamplingStep {
    private final float[] fromInput;  // [3n]
    private final float[] fromHidden; // [3n]

    GruSamplingStep(INDArray wx, INDArray wr, INDArray b) {
        super(wx, wr, b);
        fromInput = new float[3 * n];
        fromHidden = new float[3 * n];
    }

    private GruSamplingStep(GruSamplingStep weights) {
        super(weights);
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
            System.arraycopy(b, lo, fromInput, lo, hi - lo);
            addInput(oneHot, x, fromInput, lo, hi);
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
}
