package org.charrnn.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;

/**
 * A float32 {@link LstmKernel} built for speed on a CPU, exact to float rounding against
 * {@link NativeLstmKernel} (the reference it is tested against).
 * <ul>
 *   <li>All GEMMs that do not depend on the recurrence run once over all T·B rows: the input
 *   projection X·Wx, and in the backward pass dWx = Xᵀ·dZ, dWr = Hprevᵀ·dZ, dX = dZ·Wxᵀ.</li>
 *   <li>One-hot input (a first layer reading characters) is recognised and never multiplied: its
 *   projection is a row of Wx per character and dWx a sum of dZ rows per character.</li>
 *   <li>Per time step: one [B,n]×[n,4n] GEMM, then one Java pass of the gate activations
 *   ({@link FloatActivations}, vectorised by the JIT) and one of the cell arithmetic.</li>
 *   <li>The forward pass keeps gates, cell states and tanh(c) for the backward pass instead of
 *   recomputing them (ND4J's lstmLayer_bp recomputes its forward, at 5–7× the forward's cost).</li>
 *   <li>Buffers are allocated once per shape, outside DL4J's workspaces, and reused.</li>
 * </ul>
 * Not thread-safe: one instance per layer and shard.
 */
public final class FastLstmKernel implements LstmKernel {
    private int time = -1;
    private int batch = -1;
    private int inputs = -1;
    private int units = -1;

    private INDArray gates;         // [T·B, 4n]: pre-activations (GEMM target)
    private INDArray hidden;        // [(T+1)·B, n]: block 0 = h0, block t+1 = h_t
    private INDArray gateGrads;     // [T·B, 4n]: dL/dz
    private INDArray recurrentGrad; // [B, n]: dZ_t · Wrᵀ
    private float[] a;              // gate activations, all steps: [T·B·4n], blocks i, f, g, o per row
    private float[] c;              // cell states: [(T+1)·B·n], block 0 = c0
    private float[] tc;             // tanh(c_t): [T·B·n]
    private float[] rowBuf;         // [B·4n] scratch
    private float[] smallBuf;       // [B·n] scratch
    private float[] dh;             // [B·n]
    private float[] dcNext;         // [B·n]
    private float[] biasGrad;       // [4n]
    private int[] codes;            // [T·B]: the character of each input row, when the input is one-hot
    private boolean oneHot;         // whether the last forward's input was one-hot
    private float[] inputRows;      // [nIn·4n]: Wx + b per character (one-hot input)
    private float[] inputGrad;      // [nIn·4n]: dWx accumulated per character (one-hot input)
    private INDArray[] gateRows;    // per step: rows of gates, created once per shape (ND4J views cost native allocations)
    private INDArray[] hiddenRows;  // per step: block t of hidden (t = 0..T)
    private INDArray[] gradRows;    // per step: rows of gateGrads
    private INDArray biasVector;    // [4n]

    @Override
    public void forward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray h0, INDArray c0,
                        INDArray h, INDArray hLast, INDArray cLast) {
        int t = (int) x.size(0);
        int bs = (int) x.size(1);
        int nIn = (int) x.size(2);
        int n = (int) h0.size(1);
        int g = 4 * n;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            ensureBuffers(t, bs, nIn, n);
            INDArray xc = contiguous(x);
            oneHot = OneHotRows.codes(buffer(xc), t * bs, nIn, codes);
            if (oneHot) {
                floats(wx, inputRows, 0, nIn * g);
                floats(b, biasGrad, 0, g); // biasGrad is free until the backward pass
                for (int v = 0; v < nIn; v++) {
                    for (int k = 0; k < g; k++) inputRows[v * g + k] += biasGrad[k];
                }
            } else {
                // Input projection for all steps at once, plus bias.
                Nd4j.gemm(xc.reshape('c', (long) t * bs, nIn), wx, gates, false, false, 1.0, 0.0);
                gates.addiRowVector(b.reshape(1, g));
            }
            hiddenRows[0].assign(h0);
            floats(c0, c, 0, bs * n);

            FloatBuffer gatesBuf = buffer(gates);
            FloatBuffer hiddenBuf = buffer(hidden);
            for (int step = 0; step < t; step++) {
                Nd4j.gemm(hiddenRows[step], wr, gateRows[step], false, false, 1.0, oneHot ? 0.0 : 1.0);
                int sOff = step * bs * g;
                gatesBuf.get(sOff, a, sOff, bs * g);
                for (int r = 0; r < bs; r++) {
                    int g0 = sOff + r * g;
                    if (oneHot) {
                        int v0 = codes[step * bs + r] * g;
                        for (int k = 0; k < g; k++) a[g0 + k] += inputRows[v0 + k];
                    }
                    FloatActivations.sigmoidInPlace(a, g0, g0 + 2 * n);
                    FloatActivations.tanhInPlace(a, g0 + 2 * n, g0 + 3 * n);
                    FloatActivations.sigmoidInPlace(a, g0 + 3 * n, g0 + g);
                }
                int cPrev = step * bs * n;
                int cNow = cPrev + bs * n;
                for (int r = 0; r < bs; r++) {
                    int g0 = sOff + r * g;
                    int cr = r * n;
                    for (int j = 0; j < n; j++) {
                        c[cNow + cr + j] = a[g0 + n + j] * c[cPrev + cr + j] + a[g0 + j] * a[g0 + 2 * n + j];
                    }
                }
                int tOff = step * bs * n;
                for (int k = 0; k < bs * n; k++) tc[tOff + k] = FloatActivations.tanh(c[cNow + k]);
                for (int r = 0; r < bs; r++) {
                    int o0 = sOff + r * g + 3 * n;
                    int cr = r * n;
                    for (int j = 0; j < n; j++) smallBuf[cr + j] = a[o0 + j] * tc[tOff + cr + j];
                }
                hiddenBuf.put((step + 1) * bs * n, smallBuf, 0, bs * n);
            }
            h.assign(hidden.get(NDArrayIndex.interval(bs, (long) (t + 1) * bs), NDArrayIndex.all()).reshape('c', t, bs, n));
            hLast.assign(hiddenRows[t]);
            put(cLast, c, t * bs * n, bs * n);
        }
    }

    @Override
    public void backward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray h0, INDArray c0, INDArray dLdh,
                         INDArray dx, INDArray dWx, INDArray dWr, INDArray db) {
        int t = time;
        int bs = batch;
        int n = units;
        int g = 4 * n;
        if (x.size(0) != t || x.size(1) != bs || dLdh.size(2) != n) {
            throw new IllegalStateException("backward for a segment the last forward did not run");
        }
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            FloatBuffer dLdhBuf = buffer(contiguous(dLdh));
            FloatBuffer gradBuf = buffer(gateGrads);
            FloatBuffer recBuf = buffer(recurrentGrad);
            java.util.Arrays.fill(dh, 0f);
            java.util.Arrays.fill(dcNext, 0f);
            java.util.Arrays.fill(biasGrad, 0f);
            if (oneHot) java.util.Arrays.fill(inputGrad, 0f);
            for (int step = t - 1; step >= 0; step--) {
                int hOff = step * bs * n;
                dLdhBuf.get(hOff, smallBuf, 0, bs * n);
                int sOff = step * bs * g;
                int cPrev = step * bs * n;
                for (int r = 0; r < bs; r++) {
                    int g0 = sOff + r * g;
                    int d0 = r * g;
                    int cr = r * n;
                    for (int j = 0; j < n; j++) {
                        float ig = a[g0 + j];
                        float fg = a[g0 + n + j];
                        float gg = a[g0 + 2 * n + j];
                        float og = a[g0 + 3 * n + j];
                        float tanhC = tc[hOff + cr + j];
                        float dhj = smallBuf[cr + j] + dh[cr + j];
                        float dc = dcNext[cr + j] + dhj * og * (1f - tanhC * tanhC);
                        rowBuf[d0 + j] = dc * gg * ig * (1f - ig);
                        rowBuf[d0 + n + j] = dc * c[cPrev + cr + j] * fg * (1f - fg);
                        rowBuf[d0 + 2 * n + j] = dc * ig * (1f - gg * gg);
                        rowBuf[d0 + 3 * n + j] = dhj * tanhC * og * (1f - og);
                        dcNext[cr + j] = dc * fg;
                    }
                }
                gradBuf.put(sOff, rowBuf, 0, bs * g);
                // db = column sums of dZ, accumulated here: ND4J's sum(0) over [T·B, 4n] cost ~9 % of a step.
                for (int r = 0; r < bs; r++) {
                    int d0 = r * g;
                    for (int k = 0; k < g; k++) biasGrad[k] += rowBuf[d0 + k];
                    if (oneHot) {
                        int v0 = codes[step * bs + r] * g;
                        for (int k = 0; k < g; k++) inputGrad[v0 + k] += rowBuf[d0 + k];
                    }
                }
                if (step > 0) {
                    // dh for the step before: dZ_t · Wrᵀ. The carried h0 is a constant: no gradient into it.
                    Nd4j.gemm(gradRows[step], wr, recurrentGrad, false, true, 1.0, 0.0);
                    recBuf.get(0, dh, 0, bs * n);
                }
            }
            if (oneHot) {
                put(dWx, inputGrad, 0, inputs * g);
            } else {
                Nd4j.gemm(contiguous(x).reshape('c', (long) t * bs, inputs), gateGrads, dWx, true, false, 1.0, 0.0);
            }
            Nd4j.gemm(hidden.get(NDArrayIndex.interval(0, (long) t * bs), NDArrayIndex.all()), gateGrads, dWr, true, false, 1.0, 0.0);
            buffer(biasVector).put(0, biasGrad, 0, g);
            db.assign(biasVector.reshape(db.shape()));
            if (dx != null) Nd4j.gemm(gateGrads, wx, dx.reshape('c', (long) t * bs, inputs), false, true, 1.0, 0.0);
        }
    }

    /** Whether the last forward recognised its input as one-hot (and looked rows up instead of multiplying). */
    boolean lastInputWasOneHot() {
        return oneHot;
    }

    private void ensureBuffers(int t, int bs, int nIn, int n) {
        if (t == time && bs == batch && nIn == inputs && n == units) return;
        time = t;
        batch = bs;
        inputs = nIn;
        units = n;
        gates = Nd4j.createUninitialized(DataType.FLOAT, (long) t * bs, 4L * n);
        hidden = Nd4j.createUninitialized(DataType.FLOAT, (long) (t + 1) * bs, n);
        gateGrads = Nd4j.createUninitialized(DataType.FLOAT, (long) t * bs, 4L * n);
        recurrentGrad = Nd4j.createUninitialized(DataType.FLOAT, bs, n);
        a = new float[t * bs * 4 * n];
        c = new float[(t + 1) * bs * n];
        tc = new float[t * bs * n];
        rowBuf = new float[bs * 4 * n];
        smallBuf = new float[bs * n];
        dh = new float[bs * n];
        dcNext = new float[bs * n];
        biasGrad = new float[4 * n];
        codes = new int[t * bs];
        inputRows = new float[nIn * 4 * n];
        inputGrad = new float[nIn * 4 * n];
        biasVector = Nd4j.createUninitialized(DataType.FLOAT, 4L * n);
        gateRows = new INDArray[t];
        gradRows = new INDArray[t];
        hiddenRows = new INDArray[t + 1];
        for (int step = 0; step < t; step++) {
            gateRows[step] = rows(gates, (long) step * bs, bs);
            gradRows[step] = rows(gateGrads, (long) step * bs, bs);
        }
        for (int step = 0; step <= t; step++) hiddenRows[step] = rows(hidden, (long) step * bs, bs);
    }

    /** Rows [from, from+count) of a C-order matrix: a contiguous view, usable as a GEMM output. */
    private static INDArray rows(INDArray m, long from, long count) {
        return m.get(NDArrayIndex.interval(from, from + count), NDArrayIndex.all());
    }

    private static boolean isContiguousFloat(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.elementWiseStride() == 1 && a.ordering() == 'c';
    }

    /** The array itself when it is contiguous C-order float, else such a copy. */
    private static INDArray contiguous(INDArray a) {
        return isContiguousFloat(a) ? a : a.castTo(DataType.FLOAT).dup('c');
    }

    /** A live view of an array's floats, positioned at index 0 of the array (not of its buffer). */
    private static FloatBuffer buffer(INDArray a) {
        if (!isContiguousFloat(a)) {
            throw new IllegalArgumentException("expected a contiguous float array, got " + a.shapeInfoToString());
        }
        return a.data().asNioFloat().position((int) a.offset()).slice();
    }

    private static void floats(INDArray a, float[] dst, int off, int len) {
        buffer(contiguous(a)).get(0, dst, off, len);
    }

    /** Writes len floats from src[off..] into the array, in C order. */
    private static void put(INDArray dst, float[] src, int off, int len) {
        if (isContiguousFloat(dst)) {
            buffer(dst).put(0, src, off, len);
        } else {
            INDArray tmp = Nd4j.createUninitialized(DataType.FLOAT, dst.shape());
            buffer(tmp).put(0, src, off, len);
            dst.assign(tmp);
        }
    }
}
