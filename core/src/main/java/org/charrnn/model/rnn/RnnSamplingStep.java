package org.charrnn.model.rnn;

import org.charrnn.model.kernel.FloatActivations;
import org.charrnn.model.kernel.RowMatrix;
import org.charrnn.model.kernel.RowSamplingStep;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One vanilla RNN layer, one step at a time: h' = tanh(x·Wx + h·Wr + b). */
final class RnnSamplingStep extends RowSamplingStep {
    private final float[] a;

    RnnSamplingStep(INDArray wx, INDArray wr, INDArray b) {
        super(wx, wr, b);
        a = new float[n];
    }

    private RnnSamplingStep(RnnSamplingStep weights) {
        super(weights);
        a = new float[n];
    }

    @Override
    public RnnSamplingStep fresh() {
        return new RnnSamplingStep(this);
    }

    @Override
    public long workPerStep() {
        return (long) (nIn + n) * n;
    }

    @Override
    public void step(int oneHot, float[] x, int j0, int j1) {
        System.arraycopy(b, j0, a, j0, j1 - j0);
        addInput(oneHot, x, a, j0, j1);
        RowMatrix.multiplyAdd(h, n, wr, a, j0, j1);
        for (int j = j0; j < j1; j++) hNext[j] = FloatActivations.tanh(a[j]);
    }
}
