package org.charrnn.model.rnn;

import org.charrnn.model.kernel.FloatActivations;
import org.charrnn.model.kernel.TrainingKernel;
import org.charrnn.model.kernel.InputProjection;
import org.charrnn.model.kernel.OneStreamProduct;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.kernel.Sgemm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;

import static org.charrnn.model.kernel.FloatArrays.buffer;
import static org.charrnn.model.kernel.FloatArrays.contiguous;
import static org.charrnn.model.kernel.FloatArrays.read;
import static org.charrnn.model.kernel.FloatArrays.write;

/**
 * A float32 vanilla-RNN {@link RecurrentKernel} ({@link RnnLayerConfig}) built for speed on a CPU: the
 * input side of all steps at once ({@link InputProjection}), per step one h·Wr GEMM accumulated onto
 * it and a vectorised tanh; dWr = Hprevᵀ·dA as one GEMM over the segment. At min-char-rnn's batch 1
 * a step's products are matrix–vector products, done in Java ({@link OneStreamProduct}). Exact to float rounding against a plain reference (tests). Not thread-safe: one per layer.
 */
public final class RnnTrainingKernel extends TrainingKernel {

    private INDArray preActivations;  // [T·B, n]: x·Wx + b, then + h·Wr (GEMM target)
    private INDArray grads;           // [T·B, n]: dL/da
    private INDArray recurrentGrad;   // [B, n]
    private INDArray[] preRows;
    private INDArray[] gradRows;
    private float[][] h;              // [T][B·n]: h_t
    private float[] h0;               // [B·n]
    private final OneStreamProduct oneStream = new OneStreamProduct();
    private float[] dh;
    private float[] da;
    private float[] biasRows;
    private float[] biasGrad;

    @Override
    public void forward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray hOut, INDArray[] stateLast) {
        INDArray h0 = state0[0];
        int t = (int) x.size(0);
        int bs = (int) x.size(1);
        int nIn = (int) x.size(2);
        int n = (int) h0.size(1);
        int m = bs * n;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            ensureBuffers(t, bs, nIn, n);
            wr = contiguous(wr);
            projection.forward(inputRows(x), wx, b, preActivations);
            hiddenRows[0].assign(h0);
            boolean single = bs == 1;
            if (single) {
                oneStream.load(wr);
                read(h0, this.h0, 0, m);
            }
            FloatBuffer pre = buffer(preActivations);
            FloatBuffer hiddenBuf = buffer(hidden);
            for (int step = 0; step < t; step++) {
                float[] hNow = h[step];
                if (single) {
                    pre.get(step * m, hNow, 0, m);
                    oneStream.multiplyAdd(step == 0 ? this.h0 : h[step - 1], hNow);
                } else {
                    Sgemm.gemm(hiddenRows[step], false, wr, false, preRows[step], 1f, 1f);
                    pre.get(step * m, hNow, 0, m);
                }
                FloatActivations.tanhInPlace(hNow, 0, m);
                hiddenBuf.put((step + 1) * m, hNow, 0, m);
            }
            hOut.assign(outputHidden);
            write(stateLast[0], h[t - 1], 0, m);
        }
    }

    @Override
    public void backward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray dLdh,
                         INDArray dx, INDArray dWx, INDArray dWr, INDArray db) {
        int t = time;
        int bs = batch;
        int n = units;
        int m = bs * n;
        requireLastSegment(x, dLdh);
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            wr = contiguous(wr);
            FloatBuffer dLdhBuf = buffer(contiguous(dLdh));
            FloatBuffer gradBuf = buffer(grads);
            FloatBuffer recBuf = buffer(recurrentGrad);
            Arrays.fill(dh, 0f);
            Arrays.fill(biasRows, 0f);
            float[] d = da, acc = biasRows;
            for (int step = t - 1; step >= 0; step--) {
                float[] hNow = h[step];
                dLdhBuf.get(step * m, d, 0, m);
                for (int k = 0; k < m; k++) d[k] = (d[k] + dh[k]) * (1f - hNow[k] * hNow[k]);
                for (int k = 0; k < m; k++) acc[k] += d[k];
                gradBuf.put(step * m, d, 0, m);
                if (step > 0) {
                    // The carried h0 is a constant: no gradient flows into it.
                    if (bs == 1) {
                        oneStream.multiplyTransposed(d, dh);
                    } else {
                        Sgemm.gemm(gradRows[step], false, wr, true, recurrentGrad, 1f, 0f);
                        recBuf.get(0, dh, 0, m);
                    }
                }
            }
            sumOverStreams(acc, bs, n, biasGrad, 0);
            projection.weightGradient(inputRows(x), grads, dWx);
            Sgemm.gemm(previousHidden, true, grads, false, dWr, 1f, 0f);
            write(db, biasGrad, 0, n);
            if (dx != null) projection.inputGradient(grads, wx, dx.reshape('c', (long) t * bs, inputs));
        }
    }

    @Override
    protected void allocate(int t, int bs, int nIn, int n) {
        int m = bs * n;
        long rowsTotal = (long) t * bs;
        preActivations = Nd4j.createUninitialized(DataType.FLOAT, rowsTotal, n);
        grads = Nd4j.createUninitialized(DataType.FLOAT, rowsTotal, n);
        recurrentGrad = Nd4j.createUninitialized(DataType.FLOAT, bs, n);
        h = new float[t][m];
        h0 = new float[m];
        dh = new float[m];
        da = new float[m];
        biasRows = new float[m];
        biasGrad = new float[n];
        preRows = stepRows(preActivations, t, bs);
        gradRows = stepRows(grads, t, bs);
    }
}
