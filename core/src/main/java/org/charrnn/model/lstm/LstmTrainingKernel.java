package org.charrnn.model.lstm;

import org.charrnn.model.kernel.FloatActivations;
import org.charrnn.model.kernel.TrainingKernel;
import org.charrnn.model.kernel.InputProjection;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.kernel.RowNorm;
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
 * With layer normalisation ({@link LstmLayerConfig}) the recurrent product gets its own target, both
 * sides' rows are normalised in the step that reads them and the new cell state before its tanh
 * ({@link RowNorm}); the products' gradients then differ per side (dL/d(x·Wx) and dL/d(h·Wr)).
 * Not thread-safe: one instance per layer.
 */
public final class LstmTrainingKernel extends TrainingKernel {
    private final boolean layerNorm;

    public LstmTrainingKernel() {
        this(false, false);
    }

    /**
     * With {@code bf16}, the products read bfloat16 copies of their operands (model.precision: bf16);
     * with {@code layerNorm}, b is followed by γx | γh | γc | βc (model.layer_norm).
     */
    public LstmTrainingKernel(boolean bf16, boolean layerNorm) {
        super(bf16);
        this.layerNorm = layerNorm;
    }

    private INDArray gates;         // [T·B, 4n]: pre-activations (product target), rows i|f|g|o; x·Wx alone with layer norm
    private INDArray gateGrads;     // [T·B, 4n]: dL/dz, rows i|f|g|o; dL/d(x·Wx) with layer norm (gates' buffer, overwritten)
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
    private float[] biasGrad;       // [4n], then the gains' and shift's [10n] with layer normalisation
    // Layer normalisation only:
    private INDArray hiddenGates;   // [T·B, 4n]: h_{t-1}·Wr (the recurrent product's own target)
    private INDArray hiddenGrads;   // [T·B, 4n]: dL/d(h_{t-1}·Wr) (hiddenGates' buffer, overwritten)
    private float[] paramValues;    // [14n]: b, γx, γh, γc, βc as floats
    private float[][][] stepGates;  // [step][gate]: in, forget, candidate, out of the step (the same arrays)
    private float[][][] inputNorm;  // [step][gate][B·n]: LN(x·Wx)'s blocks
    private float[][][] hiddenNorm; // [step][gate][B·n]: LN(h·Wr)'s blocks
    private float[][] cellNorm;     // [step][B·n]: LN(c_t)
    private float[][] inputInv;     // [step][B]: 1/σ of each stream's rows, per side and the cell
    private float[][] hiddenInv;
    private float[][] cellInv;
    private float[][] fromHidden;   // [gate][B·n] scratch: the step's h·Wr blocks
    private float[][] biasTiled;    // [gate][B·n]: b, γx, γh tiled over the streams; γc, βc likewise
    private float[][] inputGain;
    private float[][] hiddenGain;
    private float[] cellGain;
    private float[] cellShift;
    private float[][] inputGainRows;  // [gate][B·n]: Σ over steps, still per stream
    private float[][] hiddenGainRows;
    private float[] cellGainRows;
    private float[] cellShiftRows;
    private float[][] inputSideGrad;  // [gate][B·n] scratch: dL/d(x·Wx)'s and dL/d(h·Wr)'s blocks
    private float[][] hiddenSideGrad;

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
            if (layerNorm) {
                requireParameters(b, n);
                read(b, paramValues, 0, paramValues.length);
                for (int r = 0; r < bs; r++) {
                    for (int q = 0; q < 4; q++) {
                        System.arraycopy(paramValues, q * n, biasTiled[q], r * n, n);
                        System.arraycopy(paramValues, (4 + q) * n, inputGain[q], r * n, n);
                        System.arraycopy(paramValues, (8 + q) * n, hiddenGain[q], r * n, n);
                    }
                    System.arraycopy(paramValues, 12 * n, cellGain, r * n, n);
                    System.arraycopy(paramValues, 13 * n, cellShift, r * n, n);
                }
            }
            projection.forward(inputRows(x), wx, layerNorm ? null : b, gates);
            setInitialHidden(state0[0]);
            read(state0[1], cell[0], 0, m);
            forEachGroup(p -> forwardSteps(p, weights));
            copyOutput(h);
            stateLast[0].assign(rows(hidden, (long) t * bs, bs));
            write(stateLast[1], cell[t], 0, m);
        }
    }

    private void requireParameters(INDArray b, int n) {
        if (b.length() != 14L * n) {
            throw new IllegalArgumentException("LSTM parameters b of length " + b.length() + ", expected " + 14L * n
                    + " (bias 4n, then layer-norm gains and shift 10n)");
        }
    }

    /** Every step of the streams of group {@code p}: h·Wr onto the gates' input side, then the gate arithmetic. */
    private void forwardSteps(int p, INDArray wr) {
        if (layerNorm) {
            forwardStepsNormalised(p, wr);
            return;
        }
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
            LstmEquations.gates(i, 0, f, 0, cg, 0, o, 0, lo, hi);
            LstmEquations.cellState(cPrev, cNow, i, 0, f, 0, cg, 0, lo, hi);
            LstmEquations.cellTanh(cNow, tc, lo, hi);
            LstmEquations.hidden(hn, o, 0, tc, lo, hi);
            putRow(p, hiddenBuf, hidden, (long) (step + 1) * m + lo, hn, lo, hi - lo);
        }
    }

    /** As forwardSteps, with each side's rows and the new cell state normalised ({@link LstmLayerConfig}). */
    private void forwardStepsNormalised(int p, INDArray wr) {
        int bs = batch;
        int n = units;
        int g = 4 * n;
        int m = bs * n;
        int r0 = firstStream(p);
        int r1 = endStream(p);
        int lo = firstElement(p);
        int hi = endElement(p);
        FloatBuffer gatesBuf = buffer(gates);
        FloatBuffer hiddenGatesBuf = buffer(hiddenGates);
        FloatBuffer hiddenBuf = buffer(hidden);
        float[] gc = cellGain, bc = cellShift;
        for (int step = 0; step < time; step++) {
            stepProduct(p, hidden, (long) step * bs + r0, wr, hiddenGates, (long) step * bs + r0, r1 - r0, 0f);
            float[][] z = stepGates[step], xn = inputNorm[step], hn = hiddenNorm[step];
            float[] cPrev = cell[step], cNow = cell[step + 1], tc = cellTanh[step], ch = cellNorm[step];
            for (int r = r0; r < r1; r++) {
                int row = (step * bs + r) * g;
                for (int q = 0; q < 4; q++) {
                    gatesBuf.get(row + q * n, z[q], r * n, n);
                    hiddenGatesBuf.get(row + q * n, fromHidden[q], r * n, n);
                }
            }
            for (int r = r0; r < r1; r++) {
                inputInv[step][r] = RowNorm.forward(z[0], z[1], z[2], z[3], r * n, n, xn[0], xn[1], xn[2], xn[3], r * n);
                hiddenInv[step][r] = RowNorm.forward(fromHidden[0], fromHidden[1], fromHidden[2], fromHidden[3], r * n, n,
                        hn[0], hn[1], hn[2], hn[3], r * n);
            }
            for (int q = 0; q < 4; q++) {
                float[] zq = z[q], xq = xn[q], hq = hn[q];
                float[] gxq = inputGain[q], ghq = hiddenGain[q], bq = biasTiled[q];
                for (int k = lo; k < hi; k++) zq[k] = gxq[k] * xq[k] + bq[k] + ghq[k] * hq[k];
            }
            float[] i = z[0], f = z[1], cg = z[2], o = z[3];
            LstmEquations.gates(i, 0, f, 0, cg, 0, o, 0, lo, hi);
            LstmEquations.cellState(cPrev, cNow, i, 0, f, 0, cg, 0, lo, hi);
            for (int r = r0; r < r1; r++) cellInv[step][r] = RowNorm.forward(cNow, null, null, null, r * n, n, ch, null, null, null, r * n);
            for (int k = lo; k < hi; k++) tc[k] = gc[k] * ch[k] + bc[k];
            FloatActivations.tanhInPlace(tc, lo, hi);
            LstmEquations.hidden(hNext, o, 0, tc, lo, hi);
            putRow(p, hiddenBuf, hidden, (long) (step + 1) * m + lo, hNext, lo, hi - lo);
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
            if (layerNorm) {
                for (float[] rows : inputGainRows) java.util.Arrays.fill(rows, 0f);
                for (float[] rows : hiddenGainRows) java.util.Arrays.fill(rows, 0f);
                java.util.Arrays.fill(cellGainRows, 0f);
                java.util.Arrays.fill(cellShiftRows, 0f);
            }
            forEachGroup(p -> backwardSteps(p, outputGrad, wrT));
            for (int q = 0; q < 4; q++) sumOverStreams(biasRows[q], bs, n, biasGrad, q * n);
            if (layerNorm) {
                for (int q = 0; q < 4; q++) sumOverStreams(inputGainRows[q], bs, n, biasGrad, (4 + q) * n);
                for (int q = 0; q < 4; q++) sumOverStreams(hiddenGainRows[q], bs, n, biasGrad, (8 + q) * n);
                sumOverStreams(cellGainRows, bs, n, biasGrad, 12 * n);
                sumOverStreams(cellShiftRows, bs, n, biasGrad, 13 * n);
            }
            projection.weightGradient(inputRows(x), gateGrads, dWx);
            product(previousHidden, true, layerNorm ? hiddenGrads : gateGrads, false, dWr);
            write(db, biasGrad, 0, biasGrad.length);
            if (dx != null) projection.inputGradient(gateGrads, wx, dx.reshape('c', (long) t * bs, inputs));
        }
    }

    /** Every step of the streams of group {@code p}, last to first: the gates' gradients, then dh for the step before. */
    private void backwardSteps(int p, INDArray dLdh, INDArray wrT) {
        if (layerNorm) {
            backwardStepsNormalised(p, dLdh, wrT);
            return;
        }
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

    /** As backwardSteps, through the normalisations of forwardStepsNormalised. */
    private void backwardStepsNormalised(int p, INDArray dLdh, INDArray wrT) {
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
        FloatBuffer hiddenGradBuf = buffer(hiddenGrads);
        FloatBuffer recBuf = buffer(recurrentGrad);
        float[] di = dz[0], df = dz[1], dg = dz[2], dO = dz[3];
        float[] gc = cellGain, accGc = cellGainRows, accBc = cellShiftRows;
        float[][] xs = inputSideGrad, hs = hiddenSideGrad;
        for (int step = time - 1; step >= 0; step--) {
            float[] i = in[step], f = forget[step], cg = candidate[step], o = out[step];
            float[] cPrev = cell[step], tc = cellTanh[step], ch = cellNorm[step];
            float[][] xn = inputNorm[step], hn = hiddenNorm[step];
            float[] dht = dhTotal, dct = dc, dcn = dcNext;
            dLdhBuf.get(step * m + lo, dht, lo, hi - lo);
            for (int k = lo; k < hi; k++) dht[k] += dh[k];
            for (int k = lo; k < hi; k++) dO[k] = dht[k] * tc[k] * o[k] * (1f - o[k]);
            // h = o·tanh(γc·LN(c) + βc): dct first holds dL/d(γc·LN(c) + βc), then dL/dc.
            for (int k = lo; k < hi; k++) dct[k] = dht[k] * o[k] * (1f - tc[k] * tc[k]);
            for (int k = lo; k < hi; k++) accBc[k] += dct[k];
            for (int k = lo; k < hi; k++) accGc[k] += dct[k] * ch[k];
            for (int k = lo; k < hi; k++) dct[k] *= gc[k];
            for (int r = r0; r < r1; r++) RowNorm.backward(dct, null, null, null, r * n, n, ch, null, null, null, r * n, cellInv[step][r]);
            for (int k = lo; k < hi; k++) dct[k] += dcn[k];
            for (int k = lo; k < hi; k++) di[k] = dct[k] * cg[k] * i[k] * (1f - i[k]);
            for (int k = lo; k < hi; k++) df[k] = dct[k] * cPrev[k] * f[k] * (1f - f[k]);
            for (int k = lo; k < hi; k++) dg[k] = dct[k] * i[k] * (1f - cg[k] * cg[k]);
            for (int k = lo; k < hi; k++) dcn[k] = dct[k] * f[k];
            for (int q = 0; q < 4; q++) {
                float[] d = dz[q], xq = xn[q], hq = hn[q];
                float[] accB = biasRows[q], accX = inputGainRows[q], accH = hiddenGainRows[q];
                float[] gxq = inputGain[q], ghq = hiddenGain[q], xsq = xs[q], hsq = hs[q];
                for (int k = lo; k < hi; k++) accB[k] += d[k];
                for (int k = lo; k < hi; k++) accX[k] += d[k] * xq[k];
                for (int k = lo; k < hi; k++) accH[k] += d[k] * hq[k];
                for (int k = lo; k < hi; k++) xsq[k] = d[k] * gxq[k];
                for (int k = lo; k < hi; k++) hsq[k] = d[k] * ghq[k];
            }
            for (int r = r0; r < r1; r++) {
                RowNorm.backward(xs[0], xs[1], xs[2], xs[3], r * n, n, xn[0], xn[1], xn[2], xn[3], r * n, inputInv[step][r]);
                RowNorm.backward(hs[0], hs[1], hs[2], hs[3], r * n, n, hn[0], hn[1], hn[2], hn[3], r * n, hiddenInv[step][r]);
            }
            for (int r = r0; r < r1; r++) {
                int row = (step * bs + r) * g;
                for (int q = 0; q < 4; q++) {
                    putRow(p, gradBuf, gateGrads, row + q * n, xs[q], r * n, n);
                    putRow(p, hiddenGradBuf, hiddenGrads, row + q * n, hs[q], r * n, n);
                }
            }
            if (step > 0) {
                // dh for the step before: dL/d(h·Wr)_t · Wrᵀ. The carried h0 is a constant: no gradient into it.
                stepProduct(p, hiddenGrads, (long) step * bs + r0, wrT, recurrentGrad, r0, r1 - r0, 0f);
                recBuf.get(lo, dh, lo, hi - lo);
            }
        }
    }

    @Override
    protected void allocate(int t, int bs, int nIn, int n) {
        int m = bs * n;
        gates = Nd4j.createUninitialized(DataType.FLOAT, (long) t * bs, 4L * n);
        // The backward pass reads the activations kept in Java, never the pre-activations: their gradients
        // take the pre-activations' buffer, a segment's gates fewer to hold (a fifth of a wide layer's memory).
        gateGrads = gates;
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
        biasGrad = new float[(layerNorm ? 14 : 4) * n];
        if (layerNorm) {
            hiddenGates = Nd4j.createUninitialized(DataType.FLOAT, (long) t * bs, 4L * n);
            hiddenGrads = hiddenGates; // likewise
            mirror(hiddenGrads);
            paramValues = new float[14 * n];
            stepGates = new float[t][][];
            for (int step = 0; step < t; step++) stepGates[step] = new float[][]{in[step], forget[step], candidate[step], out[step]};
            inputNorm = new float[t][4][m];
            hiddenNorm = new float[t][4][m];
            cellNorm = new float[t][m];
            inputInv = new float[t][bs];
            hiddenInv = new float[t][bs];
            cellInv = new float[t][bs];
            fromHidden = new float[4][m];
            biasTiled = new float[4][m];
            inputGain = new float[4][m];
            hiddenGain = new float[4][m];
            cellGain = new float[m];
            cellShift = new float[m];
            inputGainRows = new float[4][m];
            hiddenGainRows = new float[4][m];
            cellGainRows = new float[m];
            cellShiftRows = new float[m];
            inputSideGrad = new float[4][m];
            hiddenSideGrad = new float[4][m];
        }
    }
}
