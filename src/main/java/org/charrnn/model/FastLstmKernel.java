package org.charrnn.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.FloatBuffer;

/**
 * A float32 {@link LstmKernel} built for speed on a CPU, exact to float rounding against
 * {@link NativeLstmKernel} (the reference it is tested against).
 * <ul>
 *   <li>All GEMMs that do not depend on the recurrence run once over all T·B rows: the input
 *   projection X·Wx, and in the backward pass dWx = Xᵀ·dZ, dWr = Hprevᵀ·dZ, dX = dZ·Wxᵀ.</li>
 *   <li>Per time step: one [B,n]×[n,4n] GEMM, one sigmoid over the contiguous [B,4n] gate block
 *   (tanh(x) = 2σ(2x) − 1, so the g-columns of a private weight copy are pre-scaled by 2), one
 *   sigmoid for tanh(c), and one fused Java pass of the element-wise gate arithmetic.</li>
 *   <li>The forward pass keeps gates, cell states and tanh(c) for the backward pass instead of
 *   recomputing them (ND4J's lstmLayer_bp recomputes its forward, at 5–7× the forward's cost).</li>
 *   <li>Buffers are allocated once per shape, outside DL4J's workspaces, and reused.</li>
 * </ul>
 * Not thread-safe: one instance per layer.
 */
public final class FastLstmKernel implements LstmKernel {
    private int time = -1;
    private int batch = -1;
    private int inputs = -1;
    private int units = -1;

    private INDArray gates;        // [T·B, 4n]: pre-activations, then σ in place (g-block holds σ(2 z_g))
    private INDArray hidden;       // [(T+1)·B, n]: block 0 = h0, block t+1 = h_t
    private INDArray cellTanh;     // [B, n]: σ(2c) scratch for tanh(c)
    private INDArray gateGrads;    // [T·B, 4n]: dL/dz
    private INDArray recurrentGrad; // [B, n]: dZ_t · Wrᵀ
    private INDArray scaledWx;     // Wx with g-columns ×2
    private INDArray scaledWr;
    private INDArray scaledB;
    private float[] s;             // σ-gates, all steps: [T·B·4n]
    private float[] c;             // cell states: [(T+1)·B·n], block 0 = c0
    private float[] tc;            // tanh(c_t): [T·B·n]
    private float[] rowBuf;        // [B·4n] scratch
    private float[] smallBuf;      // [B·n] scratch
    private float[] dh;            // [B·n]
    private float[] dcNext;        // [B·n]
    private float[] biasGrad;      // [4n]
    private INDArray[] gateRows;     // per step: rows of gates, created once per shape (ND4J views cost native allocations)
    private INDArray[] hiddenRows;   // per step: block t of hidden (t = 0..T)
    private INDArray[] gradRows;     // per step: rows of gateGrads
    private INDArray biasVector;   // [4n]

    @Override
    public void forward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray h0, INDArray c0,
                        INDArray h, INDArray hLast, INDArray cLast) {
        int t = (int) x.size(0);
        int bs = (int) x.size(1);
        int nIn = (int) x.size(2);
        int n = (int) h0.size(1);
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            ensureBuffers(t, bs, nIn, n);
            prepareScaledWeights(wx, wr, b, n);
            int gateRow = 4 * n;

            // Input projection for all steps at once, plus bias.
            Nd4j.gemm(x.reshape('c', (long) t * bs, nIn), scaledWx, gates, false, false, 1.0, 0.0);
            gates.addiRowVector(scaledB);
            hiddenRows[0].assign(h0);
            floats(c0, c, 0, bs * n);

            FloatBuffer gatesBuf = buffer(gates);
            FloatBuffer hiddenBuf = buffer(hidden);
            FloatBuffer tanhBuf = buffer(cellTanh);
            for (int step = 0; step < t; step++) {
                INDArray z = gateRows[step];
                Nd4j.gemm(hiddenRows[step], scaledWr, z, false, false, 1.0, 1.0);
                Transforms.sigmoid(z, false);
                int sOff = step * bs * gateRow;
                gatesBuf.get(sOff, s, sOff, bs * gateRow);
                int cPrev = step * bs * n;
                int cNow = cPrev + bs * n;
                for (int r = 0; r < bs; r++) {
                    int g0 = sOff + r * gateRow;
                    int cr = r * n;
                    for (int j = 0; j < n; j++) {
                        float ig = s[g0 + j];
                        float fg = s[g0 + n + j];
                        float gg = 2f * s[g0 + 2 * n + j] - 1f;
                        float cell = fg * c[cPrev + cr + j] + ig * gg;
                        c[cNow + cr + j] = cell;
                        smallBuf[cr + j] = 2f * cell;
                    }
                }
                tanhBuf.put(0, smallBuf, 0, bs * n);
                Transforms.sigmoid(cellTanh, false);
                tanhBuf.get(0, smallBuf, 0, bs * n);
                int tOff = step * bs * n;
                for (int r = 0; r < bs; r++) {
                    int g0 = sOff + r * gateRow + 3 * n;
                    int cr = r * n;
                    for (int j = 0; j < n; j++) {
                        float tanhC = 2f * smallBuf[cr + j] - 1f;
                        tc[tOff + cr + j] = tanhC;
                        smallBuf[cr + j] = s[g0 + j] * tanhC;
                    }
                }
                hiddenBuf.put((step + 1) * bs * n, smallBuf, 0, bs * n);
            }
            h.assign(hidden.get(NDArrayIndex.interval(bs, (long) (t + 1) * bs), NDArrayIndex.all()).reshape('c', t, bs, n));
            hLast.assign(hiddenRows[t]);
            FloatBuffer cl = buffer(cLast);
            cl.put(0, c, t * bs * n, bs * n);
        }
    }

    @Override
    public void backward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray h0, INDArray c0, INDArray dLdh,
                         INDArray dx, INDArray dWx, INDArray dWr, INDArray db) {
        int t = time;
        int bs = batch;
        int n = units;
        int gateRow = 4 * n;
        if (x.size(0) != t || x.size(1) != bs || dLdh.size(2) != n) {
            throw new IllegalStateException("backward for a segment the last forward did not run");
        }
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray dLdhC = dLdh.dataType() == DataType.FLOAT && dLdh.elementWiseStride() == 1 && dLdh.ordering() == 'c'
                    ? dLdh : dLdh.castTo(DataType.FLOAT).dup('c');
            FloatBuffer dLdhBuf = buffer(dLdhC);
            FloatBuffer gradBuf = buffer(gateGrads);
            FloatBuffer recBuf = buffer(recurrentGrad);
            java.util.Arrays.fill(dh, 0f);
            java.util.Arrays.fill(dcNext, 0f);
            java.util.Arrays.fill(biasGrad, 0f);
            for (int step = t - 1; step >= 0; step--) {
                int hOff = step * bs * n;
                dLdhBuf.get(hOff, smallBuf, 0, bs * n);
                int sOff = step * bs * gateRow;
                int cPrev = step * bs * n;
                int cNow = cPrev + bs * n;
                for (int r = 0; r < bs; r++) {
                    int g0 = sOff + r * gateRow;
                    int d0 = r * gateRow;
                    int cr = r * n;
                    for (int j = 0; j < n; j++) {
                        float ig = s[g0 + j];
                        float fg = s[g0 + n + j];
                        float gg = 2f * s[g0 + 2 * n + j] - 1f;
                        float og = s[g0 + 3 * n + j];
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
                gradBuf.put(sOff, rowBuf, 0, bs * gateRow);
                // db = column sums of dZ, accumulated here: ND4J's sum(0) over [T·B, 4n] cost ~9 % of a step.
                for (int r = 0; r < bs; r++) {
                    int d0 = r * gateRow;
                    for (int k = 0; k < gateRow; k++) biasGrad[k] += rowBuf[d0 + k];
                }
                if (step > 0) {
                    // dh for the step before: dZ_t · Wrᵀ. The carried h0 is a constant: no gradient into it.
                    Nd4j.gemm(gradRows[step], wr, recurrentGrad, false, true, 1.0, 0.0);
                    recBuf.get(0, dh, 0, bs * n);
                }
            }
            INDArray x2 = x.reshape('c', (long) t * bs, x.size(2));
            Nd4j.gemm(x2, gateGrads, dWx, true, false, 1.0, 0.0);
            Nd4j.gemm(hidden.get(NDArrayIndex.interval(0, (long) t * bs), NDArrayIndex.all()), gateGrads, dWr, true, false, 1.0, 0.0);
            buffer(biasVector).put(0, biasGrad, 0, gateRow);
            db.assign(biasVector.reshape(db.shape()));
            Nd4j.gemm(gateGrads, wx, dx.reshape('c', (long) t * bs, x.size(2)), false, true, 1.0, 0.0);
        }
    }

    private void ensureBuffers(int t, int bs, int nIn, int n) {
        if (t == time && bs == batch && nIn == inputs && n == units) return;
        time = t;
        batch = bs;
        inputs = nIn;
        units = n;
        gates = Nd4j.createUninitialized(DataType.FLOAT, (long) t * bs, 4L * n);
        hidden = Nd4j.createUninitialized(DataType.FLOAT, (long) (t + 1) * bs, n);
        cellTanh = Nd4j.createUninitialized(DataType.FLOAT, bs, n);
        gateGrads = Nd4j.createUninitialized(DataType.FLOAT, (long) t * bs, 4L * n);
        recurrentGrad = Nd4j.createUninitialized(DataType.FLOAT, bs, n);
        s = new float[t * bs * 4 * n];
        c = new float[(t + 1) * bs * n];
        tc = new float[t * bs * n];
        rowBuf = new float[bs * 4 * n];
        smallBuf = new float[bs * n];
        dh = new float[bs * n];
        dcNext = new float[bs * n];
        biasGrad = new float[4 * n];
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

    private void prepareScaledWeights(INDArray wx, INDArray wr, INDArray b, int n) {
        if (scaledWx == null || !java.util.Arrays.equals(scaledWx.shape(), wx.shape())) {
            scaledWx = Nd4j.createUninitialized(DataType.FLOAT, wx.shape());
            scaledWr = Nd4j.createUninitialized(DataType.FLOAT, wr.shape());
            scaledB = Nd4j.createUninitialized(DataType.FLOAT, 1, b.length());
        }
        scaledWx.assign(wx);
        scaledWr.assign(wr);
        scaledB.assign(b.reshape(1, b.length()));
        scaledWx.get(NDArrayIndex.all(), NDArrayIndex.interval(2L * n, 3L * n)).muli(2);
        scaledWr.get(NDArrayIndex.all(), NDArrayIndex.interval(2L * n, 3L * n)).muli(2);
        scaledB.get(NDArrayIndex.all(), NDArrayIndex.interval(2L * n, 3L * n)).muli(2);
    }

    /** Rows [from, from+count) of a C-order matrix: a contiguous view, usable as a GEMM output. */
    private static INDArray rows(INDArray m, long from, long count) {
        return m.get(NDArrayIndex.interval(from, from + count), NDArrayIndex.all());
    }

    /** A live view of an array's floats, positioned at index 0 of the array (not of its buffer). */
    private static FloatBuffer buffer(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.elementWiseStride() != 1 || a.ordering() != 'c') {
            throw new IllegalArgumentException("expected a contiguous float array, got " + a.shapeInfoToString());
        }
        return a.data().asNioFloat().position((int) a.offset()).slice();
    }

    private static void floats(INDArray a, float[] dst, int off, int len) {
        INDArray src = a.dataType() == DataType.FLOAT && a.elementWiseStride() == 1 && a.ordering() == 'c'
                ? a : a.castTo(DataType.FLOAT).dup('c');
        buffer(src).get(0, dst, off, len);
    }
}
