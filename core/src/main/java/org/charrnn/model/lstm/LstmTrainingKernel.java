package org.charrnn.model.lstm;

import org.charrnn.model.kernel.FloatActivations;
import org.charrnn.model.kernel.TrainingKernel;
import org.charrnn.model.kernel.InputProjection;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.kernel.Gemm;
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
 *   <li>Per time step: one [B,n]×[n,4n] product ({@link Gemm}), then the gate arithmetic in Java; the
 *   streams split into groups that step on their own cores ({@link TrainingKernel#forEachGroup}).</li>
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
    public LstmTrainingKernel() {
        this(false);
    }

    /** With {@code bf16}, the products read bfloat16 copies of their operands (model.precision: bf16). */
    public LstmTrainingKernel(boolean bf16) {
        super(bf16);
    }

    private INDArray gates;         // [T·B, 4n]: pre-activations (product target), rows i|f|g|o
    private INDArray gateGrads;     // [T·B, 4n]: dL/dz, rows i|f|g|o
    private INDArray recurrentGrad; // [B, n]: dZ_t · Wrᵀ

    // Per step t, each [B·n] with element r·n + j for stream r, unit j:
    private float[][] in;           // σ(z_i)
    private float[][] forget;       // σ(z_f)
    private float[][] candidate;    // tanh(z_g)
    private float[][] out;          // σ(z_o)
    private float[][] cell;         // [T+1]: cell[0] = c0, cell[t+1] = c_t
    private float[][] cellTanh;     // tanh(c_t)
    // Scratch, [B·n] (each group of streams uses its own elements):
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
        int t = (int) x.size(0);
        int bs = (int) x.size(1);
        int n = (int) state0[0].size(1);
        int m = bs * n;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            ensureBuffers(t, bs, (int) x.size(2), n);
            INDArray weights = contiguous(wr);
            beginPass(weights);
            projection.forward(inputRows(x), wx, b, gates);
            setInitialHidden(state0[0]);
            read(state0[1], cell[0], 0, m);
            forEachGroup(p -> forwardSteps(p, weights));
            copyOutput(h);
            stateLast[0].assign(rows(hidden, (long) t * bs, bs));
            write(stateLast[1], cell[t], 0, m);
        }
    }

    /** Every step of the streams of group {@code p}: h·Wr onto the gates' input side, then the gate arithmetic. */
    private void forwardSteps(int p, INDArray wr) {
        int bs = batch;
        int n = units;
        int g = 4 * n;
        int m = bs * n;
        int r0 = firstStream(p);
        int r1 = endStream(p);
        int lo = firstElement(p);
        int hi = endElement(p);
        FloatBuffer gatesBuf = buffer(gates);
        FloatBuffer hiddenBuf = buffer(hidden);
        for (int step = 0; step < time; step++) {
            stepProduct(p, hidden, (long) step * bs + r0, wr, gates, (long) step * bs + r0, r1 - r0, 1f);
            float[] i = in[step], f = forget[step], cg = candidate[step], o = out[step];
            float[] cPrev = cell[step], cNow = cell[step + 1], tc = cellTanh[step], hn = hNext;
            for (int r = r0; r < r1; r++) {
                int row = (step * bs + r) * g;
                gatesBuf.get(row, i, r * n, n);
                gatesBuf.get(row + n, f, r * n, n);
                gatesBuf.get(row + 2 * n, cg, r * n, n);
                gatesBuf.get(row + 3 * n, o, r * n, n);
            }
            FloatActivations.sigmoidInPlace(i, lo, hi);
            FloatActivations.sigmoidInPlace(f, lo, hi);
            FloatActivations.tanhInPlace(cg, lo, hi);
            FloatActivations.sigmoidInPlace(o, lo, hi);
            for (int k = lo; k < hi; k++) cNow[k] = f[k] * cPrev[k] + i[k] * cg[k];
            for (int k = lo; k < hi; k++) tc[k] = FloatActivations.tanh(cNow[k]);
            for (int k = lo; k < hi; k++) hn[k] = o[k] * tc[k];
            putRow(p, hiddenBuf, hidden, (long) (step + 1) * m + lo, hn, lo, hi - lo);
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
            INDArray wrT = recurrentTransposed(contiguous(wr));
            beginPass(wrT);
            INDArray outputGrad = contiguous(dLdh);
            java.util.Arrays.fill(dh, 0f);
            java.util.Arrays.fill(dcNext, 0f);
            for (float[] rows : biasRows) java.util.Arrays.fill(rows, 0f);
            forEachGroup(p -> backwardSteps(p, outputGrad, wrT));
            for (int q = 0; q < 4; q++) sumOverStreams(biasRows[q], bs, n, biasGrad, q * n);
            projection.weightGradient(inputRows(x), gateGrads, dWx);
            product(previousHidden, true, gateGrads, false, dWr);
            write(db, biasGrad, 0, 4 * n);
            if (dx != null) projection.inputGradient(gateGrads, wx, dx.reshape('c', (long) t * bs, inputs));
        }
    }

    /** Every step of the streams of group {@code p}, last to first: the gates' gradients, then dh for the step before. */
    private void backwardSteps(int p, INDArray dLdh, INDArray wrT) {
        int bs = batch;
        int n = units;
        int g = 4 * n;
        int m = bs * n;
        int r0 = firstStream(p);
        int r1 = endStream(p);
        int lo = firstElement(p);
        int hi = endElement(p);
        FloatBuffer dLdhBuf = buffer(dLdh);
        FloatBuffer gradBuf = buffer(gateGrads);
        FloatBuffer recBuf = buffer(recurrentGrad);
        float[] di = dz[0], df = dz[1], dg = dz[2], dO = dz[3];
        for (int step = time - 1; step >= 0; step--) {
            float[] i = in[step], f = forget[step], cg = candidate[step], o = out[step];
            float[] cPrev = cell[step], tc = cellTanh[step];
            float[] dht = dhTotal, dct = dc, dcn = dcNext;
            dLdhBuf.get(step * m + lo, dht, lo, hi - lo);
            for (int k = lo; k < hi; k++) dht[k] += dh[k];
            for (int k = lo; k < hi; k++) dct[k] = dcn[k] + dht[k] * o[k] * (1f - tc[k] * tc[k]);
            for (int k = lo; k < hi; k++) di[k] = dct[k] * cg[k] * i[k] * (1f - i[k]);
            for (int k = lo; k < hi; k++) df[k] = dct[k] * cPrev[k] * f[k] * (1f - f[k]);
            for (int k = lo; k < hi; k++) dg[k] = dct[k] * i[k] * (1f - cg[k] * cg[k]);
            for (int k = lo; k < hi; k++) dO[k] = dht[k] * tc[k] * o[k] * (1f - o[k]);
            for (int k = lo; k < hi; k++) dcn[k] = dct[k] * f[k];
            for (int q = 0; q < 4; q++) {
                float[] acc = biasRows[q], d = dz[q];
                for (int k = lo; k < hi; k++) acc[k] += d[k];
            }
            for (int r = r0; r < r1; r++) {
                int row = (step * bs + r) * g;
                for (int q = 0; q < 4; q++) putRow(p, gradBuf, gateGrads, row + q * n, dz[q], r * n, n);
            }
            if (step > 0) {
                // dh for the step before: dZ_t · Wrᵀ. The carried h0 is a constant: no gradient into it.
                stepProduct(p, gateGrads, (long) step * bs + r0, wrT, recurrentGrad, r0, r1 - r0, 0f);
                recBuf.get(lo, dh, lo, hi - lo);
            }
        }
    }

    @Override
    protected void allocate(int t, int bs, int nIn, int n) {
        int m = bs * n;
        gates = Nd4j.createUninitialized(DataType.FLOAT, (long) t * bs, 4L * n);
        gateGrads = Nd4j.createUninitialized(DataType.FLOAT, (long) t * bs, 4L * n);
        mirror(gateGrads);
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
    }
}
