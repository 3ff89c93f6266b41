package org.charrnn.model.rnn;

import org.charrnn.model.kernel.FloatActivations;
import org.charrnn.model.kernel.TrainingKernel;
import org.charrnn.model.kernel.InputProjection;
import org.charrnn.model.kernel.OneStreamProduct;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.kernel.Gemm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;

import static org.charrnn.model.kernel.FloatArrays.buffer;
import static org.charrnn.model.kernel.FloatArrays.contiguous;
import static org.charrnn.model.kernel.FloatArrays.read;
import static org.charrnn.model.kernel.FloatArrays.rows;
import static org.charrnn.model.kernel.FloatArrays.write;

/**
 * A float32 vanilla-RNN {@link RecurrentKernel} ({@link RnnLayerConfig}) built for speed on a CPU: the
 * input side of all steps at once ({@link InputProjection}), per step one h·Wr GEMM accumulated onto
 * it and a vectorised tanh, the streams in groups that step on their own cores; dWr = Hprevᵀ·dA as one
 * product over the segment. At min-char-rnn's batch 1 a step's products are matrix–vector products,
 * done in Java ({@link OneStreamProduct}). Exact to float rounding against a plain reference (tests).
 * Not thread-safe: one per layer.
 */
public final class RnnTrainingKernel extends TrainingKernel {
    public RnnTrainingKernel() {
        this(false);
    }

    /** With {@code bf16}, the products read bfloat16 copies of their operands (model.precision: bf16). */
    public RnnTrainingKernel(boolean bf16) {
        super(bf16);
    }

    private INDArray preActivations;  // [T·B, n]: x·Wx + b, then + h·Wr (the product target)
    private INDArray grads;           // [T·B, n]: dL/da
    private INDArray recurrentGrad;   // [B, n]
    private float[][] h;              // [T][B·n]: h_t
    private float[] h0;               // [B·n]
    private final OneStreamProduct oneStream = new OneStreamProduct();
    private float[] dh;
    private float[] da;
    private float[] biasRows;
    private float[] biasGrad;

    @Override
    public void forward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray hOut, INDArray[] stateLast) {
        int t = (int) x.size(0);
        int bs = (int) x.size(1);
        int n = (int) state0[0].size(1);
        int m = bs * n;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            ensureBuffers(t, bs, (int) x.size(2), n);
            INDArray weights = contiguous(wr);
            beginPass(weights);
            projection.forward(inputRows(x), wx, b, preActivations);
            setInitialHidden(state0[0]);
            read(state0[0], h0, 0, m);
            if (bs == 1) {
                oneStream.load(weights);
                forwardOneStream();
            } else {
                forEachGroup(p -> forwardSteps(p, weights));
            }
            copyOutput(hOut);
            write(stateLast[0], h[t - 1], 0, m);
        }
    }

    /** Every step of the streams of group {@code p}: h·Wr onto x·Wx + b, then tanh. */
    private void forwardSteps(int p, INDArray wr) {
        int bs = batch;
        int m = bs * units;
        int r0 = firstStream(p);
        int r1 = endStream(p);
        int lo = firstElement(p);
        int hi = endElement(p);
        FloatBuffer pre = buffer(preActivations);
        FloatBuffer hiddenBuf = buffer(hidden);
        for (int step = 0; step < time; step++) {
            float[] hNow = h[step];
            stepProduct(p, hidden, (long) step * bs + r0, wr, preActivations, (long) step * bs + r0, r1 - r0, 1f);
            pre.get(step * m + lo, hNow, lo, hi - lo);
            FloatActivations.tanhInPlace(hNow, lo, hi);
            putRow(p, hiddenBuf, hidden, (long) (step + 1) * m + lo, hNow, lo, hi - lo);
        }
    }

    /** One stream (min-char-rnn's batch 1): each step's product is matrix–vector, in Java. */
    private void forwardOneStream() {
        int n = units;
        FloatBuffer pre = buffer(preActivations);
        FloatBuffer hiddenBuf = buffer(hidden);
        for (int step = 0; step < time; step++) {
            float[] hNow = h[step];
            pre.get(step * n, hNow, 0, n);
            oneStream.multiplyAdd(step == 0 ? h0 : h[step - 1], hNow);
            FloatActivations.tanhInPlace(hNow, 0, n);
            putRow(0, hiddenBuf, hidden, (long) (step + 1) * n, hNow, 0, n);
        }
    }

    @Override
    public void backward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray dLdh,
                         INDArray dx, INDArray dWx, INDArray dWr, INDArray db) {
        int t = time;
        int bs = batch;
        int n = units;
        requireLastSegment(x, dLdh);
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray outputGrad = contiguous(dLdh);
            Arrays.fill(dh, 0f);
            Arrays.fill(biasRows, 0f);
            if (bs == 1) {
                backwardSteps(0, outputGrad, null);
            } else {
                INDArray wrT = recurrentTransposed(contiguous(wr));
                beginPass(wrT);
                forEachGroup(p -> backwardSteps(p, outputGrad, wrT));
            }
            sumOverStreams(biasRows, bs, n, biasGrad, 0);
            projection.weightGradient(inputRows(x), grads, dWx);
            product(previousHidden, true, grads, false, dWr);
            write(db, biasGrad, 0, n);
            if (dx != null) projection.inputGradient(grads, wx, dx.reshape('c', (long) t * bs, inputs));
        }
    }

    /** Every step of group {@code p}'s streams, last to first (one stream: wrT null, its products in Java). */
    private void backwardSteps(int p, INDArray dLdh, INDArray wrT) {
        int bs = batch;
        int m = bs * units;
        int r0 = wrT == null ? 0 : firstStream(p);
        int r1 = wrT == null ? bs : endStream(p);
        int lo = r0 * units;
        int hi = r1 * units;
        FloatBuffer dLdhBuf = buffer(dLdh);
        FloatBuffer gradBuf = buffer(grads);
        FloatBuffer recBuf = buffer(recurrentGrad);
        float[] d = da, acc = biasRows;
        for (int step = time - 1; step >= 0; step--) {
            float[] hNow = h[step];
            dLdhBuf.get(step * m + lo, d, lo, hi - lo);
            for (int k = lo; k < hi; k++) d[k] = (d[k] + dh[k]) * (1f - hNow[k] * hNow[k]);
            for (int k = lo; k < hi; k++) acc[k] += d[k];
            putRow(p, gradBuf, grads, (long) step * m + lo, d, lo, hi - lo);
            if (step > 0) {
                // The carried h0 is a constant: no gradient flows into it.
                if (wrT == null) {
                    oneStream.multiplyTransposed(d, dh);
                } else {
                    stepProduct(p, grads, (long) step * bs + r0, wrT, recurrentGrad, r0, r1 - r0, 0f);
                    recBuf.get(lo, dh, lo, hi - lo);
                }
            }
        }
    }

    @Override
    protected void allocate(int t, int bs, int nIn, int n) {
        int m = bs * n;
        long rowsTotal = (long) t * bs;
        preActivations = Nd4j.createUninitialized(DataType.FLOAT, rowsTotal, n);
        grads = Nd4j.createUninitialized(DataType.FLOAT, rowsTotal, n);
        mirror(grads);
        recurrentGrad = Nd4j.createUninitialized(DataType.FLOAT, bs, n);
        h = new float[t][m];
        h0 = new float[m];
        dh = new float[m];
        da = new float[m];
        biasRows = new float[m];
        biasGrad = new float[n];
    }
}
