package org.charrnn.model.lstm;

import org.charrnn.model.kernel.FloatActivations;
import org.charrnn.model.kernel.TrainingKernel;
import org.charrnn.model.kernel.InputProjection;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.kernel.Sgemm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

import static org.charrnn.model.kernel.FloatArrays.buffer;
import static org.charrnn.model.kernel.FloatArrays.contiguous;
import static org.charrnn.model.kernel.FloatArrays.read;
import static org.charrnn.model.kernel.FloatArrays.rows;
import static org.charrnn.model.kernel.FloatArrays.write;

/**
 * A float32 LSTM {@link RecurrentKernel} built for speed on a CPU, exact to float rounding against
 * {@link LstmReferenceKernel} (the reference it is tested against).
 * <ul>
 *   <li>All GEMMs that do not depend on the recurrence run once over all T·B rows
 *   ({@link InputProjection}: X·Wx + b, dWx, dX, with its one-hot row lookup), and dWr = Hprevᵀ·dZ.</li>
 *   <li>Per time step: one [B,n]×[n,4n] GEMM ({@link Sgemm}), then the gate arithmetic in Java.</li>
 *   <li>The forward pass keeps gates, cell states and tanh(c) for the backward pass instead of
 *   recomputing them (ND4J's lstmLayer_bp recomputes its forward, at 5–7× the forward's cost).</li>
 *   <li>Buffers are allocated once per shape, outside DL4J's workspaces, and reused.</li>
 * </ul>
 * The Java arithmetic is laid out for HotSpot's auto-vectoriser (C2 in JDK 17), which only packs
 * a loop into SIMD when it is short and every array in it is indexed by the same expression: so
 * each gate has its own [B·n] array per step, and every loop runs k over [0, B·n) touching
 * {@code x[k]} of a handful of arrays. Written the obvious way (interleaved gate rows, offsets into
 * one big array) the same arithmetic runs scalar.
 * Not thread-safe: one instance per layer.
 */
public final class LstmTrainingKernel extends TrainingKernel {

    private INDArray gates;         // [T·B, 4n]: pre-activations (GEMM target), rows i|f|g|o
    private INDArray gateGrads;     // [T·B, 4n]: dL/dz, rows i|f|g|o
    private INDArray recurrentGrad; // [B, n]: dZ_t · Wrᵀ
    private INDArray[] gateRows;    // per step: rows of gates, created once per shape (ND4J views cost native allocations)
    private INDArray[] gradRows;    // per step: rows of gateGrads

    // Per step t, each [B·n] with element r·n + j for stream r, unit j:
    private float[][] in;           // σ(z_i)
    private float[][] forget;       // σ(z_f)
    private float[][] candidate;    // tanh(z_g)
    private float[][] out;          // σ(z_o)
    private float[][] cell;         // [T+1]: cell[0] = c0, cell[t+1] = c_t
    private float[][] cellTanh;     // tanh(c_t)
    // Scratch, [B·n]:
    private float[] hNext;
    private float[] dh;             // dL/dh_t through the recurrence
    private float[] dhTotal;        // dL/dh_t from above plus through the recurrence
    private float[] dc;
    private float[] dcNext;
    private float[][] dz;           // dL/dz per gate (i, f, g, o)
    private float[][] biasRows;     // per gate: Σ over steps of dz, still per stream; summed over streams at the end
    private float[] biasGrad;       // [4n]

    @Override
    public void forward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray h, INDArray[] stateLast) {
        INDArray h0 = state0[0];
        INDArray c0 = state0[1];
        int t = (int) x.size(0);
        int bs = (int) x.size(1);
        int nIn = (int) x.size(2);
        int n = (int) h0.size(1);
        int g = 4 * n;
        int m = bs * n;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            ensureBuffers(t, bs, nIn, n);
            wr = contiguous(wr);
            FloatBuffer gatesBuf = buffer(gates);
            projection.forward(inputRows(x), wx, b, gates);
            hiddenRows[0].assign(h0);
            read(c0, cell[0], 0, m);

            FloatBuffer hiddenBuf = buffer(hidden);
            for (int step = 0; step < t; step++) {
                Sgemm.gemm(hiddenRows[step], false, wr, false, gateRows[step], 1f, 1f);
                float[] i = in[step], f = forget[step], cg = candidate[step], o = out[step];
                float[] cPrev = cell[step], cNow = cell[step + 1], tc = cellTanh[step], hn = hNext;
                for (int r = 0; r < bs; r++) {
                    int row = (step * bs + r) * g;
                    gatesBuf.get(row, i, r * n, n);
                    gatesBuf.get(row + n, f, r * n, n);
                    gatesBuf.get(row + 2 * n, cg, r * n, n);
                    gatesBuf.get(row + 3 * n, o, r * n, n);
                }
                FloatActivations.sigmoidInPlace(i, 0, m);
                FloatActivations.sigmoidInPlace(f, 0, m);
                FloatActivations.tanhInPlace(cg, 0, m);
                FloatActivations.sigmoidInPlace(o, 0, m);
                for (int k = 0; k < m; k++) cNow[k] = f[k] * cPrev[k] + i[k] * cg[k];
                for (int k = 0; k < m; k++) tc[k] = FloatActivations.tanh(cNow[k]);
                for (int k = 0; k < m; k++) hn[k] = o[k] * tc[k];
                hiddenBuf.put((step + 1) * m, hn, 0, m);
            }
            h.assign(outputHidden);
            stateLast[0].assign(hiddenRows[t]);
            write(stateLast[1], cell[t], 0, m);
        }
    }

    @Override
    public void backward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray dLdh,
                         INDArray dx, INDArray dWx, INDArray dWr, INDArray db) {
        int t = time;
        int bs = batch;
        int n = units;
        int g = 4 * n;
        int m = bs * n;
        requireLastSegment(x, dLdh);
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            wr = contiguous(wr);
            FloatBuffer dLdhBuf = buffer(contiguous(dLdh));
            FloatBuffer gradBuf = buffer(gateGrads);
            FloatBuffer recBuf = buffer(recurrentGrad);
            java.util.Arrays.fill(dh, 0f);
            java.util.Arrays.fill(dcNext, 0f);
            for (float[] rows : biasRows) java.util.Arrays.fill(rows, 0f);
            float[] di = dz[0], df = dz[1], dg = dz[2], dO = dz[3];
            for (int step = t - 1; step >= 0; step--) {
                float[] i = in[step], f = forget[step], cg = candidate[step], o = out[step];
                float[] cPrev = cell[step], tc = cellTanh[step];
                float[] dht = dhTotal, dct = dc, dcn = dcNext;
                dLdhBuf.get(step * m, dht, 0, m);
                for (int k = 0; k < m; k++) dht[k] += dh[k];
                for (int k = 0; k < m; k++) dct[k] = dcn[k] + dht[k] * o[k] * (1f - tc[k] * tc[k]);
                for (int k = 0; k < m; k++) di[k] = dct[k] * cg[k] * i[k] * (1f - i[k]);
                for (int k = 0; k < m; k++) df[k] = dct[k] * cPrev[k] * f[k] * (1f - f[k]);
                for (int k = 0; k < m; k++) dg[k] = dct[k] * i[k] * (1f - cg[k] * cg[k]);
                for (int k = 0; k < m; k++) dO[k] = dht[k] * tc[k] * o[k] * (1f - o[k]);
                for (int k = 0; k < m; k++) dcn[k] = dct[k] * f[k];
                for (int q = 0; q < 4; q++) {
                    float[] acc = biasRows[q], d = dz[q];
                    for (int k = 0; k < m; k++) acc[k] += d[k];
                }
                for (int r = 0; r < bs; r++) {
                    int row = (step * bs + r) * g;
                    for (int q = 0; q < 4; q++) gradBuf.put(row + q * n, dz[q], r * n, n);
                }
                if (step > 0) {
                    // dh for the step before: dZ_t · Wrᵀ. The carried h0 is a constant: no gradient into it.
                    Sgemm.gemm(gradRows[step], false, wr, true, recurrentGrad, 1f, 0f);
                    recBuf.get(0, dh, 0, m);
                }
            }
            for (int q = 0; q < 4; q++) sumOverStreams(biasRows[q], bs, n, biasGrad, q * n);
            projection.weightGradient(inputRows(x), gateGrads, dWx);
            Sgemm.gemm(previousHidden, true, gateGrads, false, dWr, 1f, 0f);
            write(db, biasGrad, 0, g);
            if (dx != null) projection.inputGradient(gateGrads, wx, dx.reshape('c', (long) t * bs, inputs));
        }
    }

    /** Whether the last forward recognised its input as one-hot (and looked rows up instead of multiplying). */
    @Override
    protected void allocate(int t, int bs, int nIn, int n) {
        int m = bs * n;
        gates = Nd4j.createUninitialized(DataType.FLOAT, (long) t * bs, 4L * n);
        gateGrads = Nd4j.createUninitialized(DataType.FLOAT, (long) t * bs, 4L * n);
        recurrentGrad = Nd4j.createUninitialized(DataType.FLOAT, bs, n);
        in = new float[t][m];
        forget = new float[t][m];
        candidate = new float[t][m];
        out = new float[t][m];
        cell = new float[t + 1][m];
        cellTanh = new float[t][m];
        hNext = new float[m];
        dh = new float[m];
        dhTotal = new float[m];
        dc = new float[m];
        dcNext = new float[m];
        dz = new float[4][m];
        biasRows = new float[4][m];
        biasGrad = new float[4 * n];
        gateRows = stepRows(gates, t, bs);
        gradRows = stepRows(gateGrads, t, bs);
    }
}
