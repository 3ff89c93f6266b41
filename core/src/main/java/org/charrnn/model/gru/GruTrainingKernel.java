package org.charrnn.model.gru;

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
import java.util.Arrays;

import static org.charrnn.model.kernel.FloatArrays.buffer;
import static org.charrnn.model.kernel.FloatArrays.contiguous;
import static org.charrnn.model.kernel.FloatArrays.read;
import static org.charrnn.model.kernel.FloatArrays.rows;
import static org.charrnn.model.kernel.FloatArrays.write;

/**
 * A float32 GRU {@link RecurrentKernel} built for speed on a CPU, in the form of {@link GruLayerConfig}
 * (PyTorch's): per step one [B,n]×[n,3n] product h·Wr for all three gates, then one pass of gate
 * arithmetic, the streams in groups that step on their own cores; the input side of all steps at once ({@link InputProjection}); dWr = Hprevᵀ·dGh as one
 * GEMM over the segment. Gates, candidate and hidden states are kept for the backward pass. The Java
 * loops all run k over [0, B·n) on per-gate arrays so that C2 vectorises them (see LstmTrainingKernel).
 * With layer normalisation ({@link GruLayerConfig}) both sides' rows are normalised in the step that
 * reads them ({@link RowNorm}): a separate pass over the segment's input rows would stream them
 * through memory once more each way.
 * Exact to float rounding against a plain reference (tests). Not thread-safe: one instance per layer.
 */
public final class GruTrainingKernel extends TrainingKernel {
    private final boolean layerNorm;

    public GruTrainingKernel() {
        this(false, false);
    }

    /**
     * With {@code bf16}, the products read bfloat16 copies of their operands (model.precision: bf16);
     * with {@code layerNorm}, b is followed by the gains γx | γh (model.layer_norm).
     */
    public GruTrainingKernel(boolean bf16, boolean layerNorm) {
        super(bf16);
        this.layerNorm = layerNorm;
    }

    private INDArray inputGates;     // [T·B, 3n]: x·Wx + b_x (x·Wx alone with layer norm, which adds b_x after), blocks r|z|n
    private INDArray hiddenGates;    // [T·B, 3n]: h_{t-1}·Wr, blocks r|z|n (the product target)
    private INDArray inputGrads;     // [T·B, 3n]: dL/d(input-side pre-activations)
    private INDArray hiddenGrads;    // [T·B, 3n]: dL/d(hidden-side pre-activations)
    private INDArray recurrentGrad;  // [B, n]: dGh_t · Wrᵀ

    // Per step t, each [B·n], element r·n + j for stream r, unit j:
    private float[][] reset;         // r
    private float[][] update;        // z
    private float[][] candidate;     // n
    private float[][] hiddenPart;    // W_hn h + b_hn (what r multiplies)
    private float[][] h;             // [T+1]: h[0] = h0, h[t+1] = h_t
    // Scratch, [B·n] (each group of streams uses its own elements):
    private float[] fromHiddenR;
    private float[] fromHiddenZ;
    private float[] biasValues;      // [4n]: b as floats, then the gains [6n] with layer normalisation
    private float[] hiddenBias;      // b_hn tiled over the streams
    private float[] dh;              // dL/dh_{t-1} carried to the step before
    private float[] dhTotal;
    private float[] dr;
    private float[] dz;
    private float[] dn;
    private float[] dhn;
    private float[] recurrent;
    private float[][] biasRows;      // r, z, n (input side), hn: Σ over steps, still per stream
    private float[] biasGrad;        // [4n], then the gains' [6n] with layer normalisation
    // Layer normalisation only:
    private float[][] inputNormR;    // per step [B·n]: the r block of LN(x·Wx), likewise z and n
    private float[][] inputNormZ;
    private float[][] inputNormN;
    private float[][] inputInv;      // per step [B]: 1/σ of each stream's input-side row
    private float[][] normR;         // per step [B·n]: the r block of LN(h·Wr), likewise z and n
    private float[][] normZ;
    private float[][] normN;
    private float[][] hiddenInv;     // per step [B]: 1/σ of each stream's recurrent row
    private float[][] inputGain;     // γx's blocks r, z, n tiled over the streams
    private float[][] inputBias;     // b's input-side blocks r, z, n tiled over the streams
    private float[][] hiddenGain;    // γh's blocks r, z, n tiled over the streams
    private float[][] inputGainRows; // dγx's blocks r, z, n: Σ over steps, still per stream
    private float[][] hiddenGainRows; // dγh's blocks r, z, n: Σ over steps, still per stream
    private float[] normGradR;       // [B·n] scratch: dL/d(h·Wr)'s blocks
    private float[] normGradZ;
    private float[] normGradN;
    private float[] inputNormGradR;  // [B·n] scratch: dL/d(x·Wx)'s blocks
    private float[] inputNormGradZ;
    private float[] inputNormGradN;

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
            requireParameters(b, n);
            read(b, biasValues, 0, biasValues.length);
            if (layerNorm) {
                projection.forward(inputRows(x), wx, null, inputGates);
                for (int r = 0; r < bs; r++) {
                    for (int q = 0; q < 3; q++) {
                        System.arraycopy(biasValues, q * n, inputBias[q], r * n, n);
                        System.arraycopy(biasValues, (4 + q) * n, inputGain[q], r * n, n);
                        System.arraycopy(biasValues, (7 + q) * n, hiddenGain[q], r * n, n);
                    }
                }
            } else {
                projection.forward(inputRows(x), wx, b, inputGates);
            }
            for (int r = 0; r < bs; r++) System.arraycopy(biasValues, 3 * n, hiddenBias, r * n, n);
            setInitialHidden(state0[0]);
            read(state0[0], h[0], 0, m);
            forEachGroup(p -> forwardSteps(p, weights));
            copyOutput(hOut);
            write(stateLast[0], h[t], 0, m);
        }
    }

    private void requireParameters(INDArray b, int n) {
        long expected = (layerNorm ? 10L : 4L) * n;
        if (b.length() != expected) {
            throw new IllegalArgumentException("GRU parameters b of length " + b.length() + ", expected " + expected
                    + (layerNorm ? " (bias 4n, then layer-norm gains 6n)" : " (bias 4n)"));
        }
    }

    /** Every step of the streams of group {@code p}: h·Wr for all three gates, then the gate arithmetic. */
    private void forwardSteps(int p, INDArray wr) {
        int bs = batch;
        int n = units;
        int g = 3 * n;
        int m = bs * n;
        int r0 = firstStream(p);
        int r1 = endStream(p);
        int lo = firstElement(p);
        int hi = endElement(p);
        FloatBuffer xg = buffer(inputGates);
        FloatBuffer hg = buffer(hiddenGates);
        FloatBuffer hiddenBuf = buffer(hidden);
        float[] sr = fromHiddenR, sz = fromHiddenZ, bh = hiddenBias;
        for (int step = 0; step < time; step++) {
            stepProduct(p, hidden, (long) step * bs + r0, wr, hiddenGates, (long) step * bs + r0, r1 - r0, 0f);
            float[] rr = reset[step], zz = update[step], nn = candidate[step], hn = hiddenPart[step];
            float[] hPrev = h[step], hNow = h[step + 1];
            for (int r = r0; r < r1; r++) {
                int row = (step * bs + r) * g;
                xg.get(row, rr, r * n, n);
                xg.get(row + n, zz, r * n, n);
                xg.get(row + 2 * n, nn, r * n, n);
                hg.get(row, sr, r * n, n);
                hg.get(row + n, sz, r * n, n);
                hg.get(row + 2 * n, hn, r * n, n);
            }
            if (layerNorm) {
                // Input side: x·Wx becomes γx ⊙ LN(x·Wx) + b.
                float[] xr = inputNormR[step], xz = inputNormZ[step], xn = inputNormN[step], xInv = inputInv[step];
                for (int r = r0; r < r1; r++) xInv[r] = RowNorm.forward(rr, zz, nn, r * n, n, xr, xz, xn);
                float[] gxr = inputGain[0], gxz = inputGain[1], gxn = inputGain[2];
                float[] bxr = inputBias[0], bxz = inputBias[1], bxn = inputBias[2];
                for (int k = lo; k < hi; k++) rr[k] = gxr[k] * xr[k] + bxr[k];
                for (int k = lo; k < hi; k++) zz[k] = gxz[k] * xz[k] + bxz[k];
                for (int k = lo; k < hi; k++) nn[k] = gxn[k] * xn[k] + bxn[k];
                float[] nr = normR[step], nz = normZ[step], nh = normN[step], inv = hiddenInv[step];
                for (int r = r0; r < r1; r++) inv[r] = RowNorm.forward(sr, sz, hn, r * n, n, nr, nz, nh);
                float[] ghr = hiddenGain[0], ghz = hiddenGain[1], ghn = hiddenGain[2];
                for (int k = lo; k < hi; k++) sr[k] = ghr[k] * nr[k];
                for (int k = lo; k < hi; k++) sz[k] = ghz[k] * nz[k];
                for (int k = lo; k < hi; k++) hn[k] = ghn[k] * nh[k];
            }
            GruEquations.gate(rr, 0, sr, 0, lo, hi);
            GruEquations.gate(zz, 0, sz, 0, lo, hi);
            GruEquations.candidate(nn, 0, rr, 0, hn, 0, bh, 0, lo, hi);
            GruEquations.hidden(hNow, nn, 0, zz, 0, hPrev, lo, hi);
            putRow(p, hiddenBuf, hidden, (long) (step + 1) * m + lo, hNow, lo, hi - lo);
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
            Arrays.fill(dh, 0f);
            for (float[] rows : biasRows) Arrays.fill(rows, 0f);
            if (layerNorm) {
                for (float[] rows : hiddenGainRows) Arrays.fill(rows, 0f);
                for (float[] rows : inputGainRows) Arrays.fill(rows, 0f);
            }
            forEachGroup(p -> backwardSteps(p, outputGrad, wrT));
            for (int q = 0; q < 4; q++) sumOverStreams(biasRows[q], bs, n, biasGrad, q * n);
            if (layerNorm) {
                for (int q = 0; q < 3; q++) sumOverStreams(inputGainRows[q], bs, n, biasGrad, (4 + q) * n);
                for (int q = 0; q < 3; q++) sumOverStreams(hiddenGainRows[q], bs, n, biasGrad, (7 + q) * n);
            }
            projection.weightGradient(inputRows(x), inputGrads, dWx);
            product(previousHidden, true, hiddenGrads, false, dWr);
            write(db, biasGrad, 0, biasGrad.length);
            if (dx != null) projection.inputGradient(inputGrads, wx, dx.reshape('c', (long) t * bs, inputs));
        }
    }

    /** Every step of the streams of group {@code p}, last to first: the gates' gradients, then dh for the step before. */
    private void backwardSteps(int p, INDArray dLdh, INDArray wrT) {
        int bs = batch;
        int n = units;
        int g = 3 * n;
        int m = bs * n;
        int r0 = firstStream(p);
        int r1 = endStream(p);
        int lo = firstElement(p);
        int hi = endElement(p);
        FloatBuffer dLdhBuf = buffer(dLdh);
        FloatBuffer xGrad = buffer(inputGrads);
        FloatBuffer hGrad = buffer(hiddenGrads);
        FloatBuffer recBuf = buffer(recurrentGrad);
        float[] dht = dhTotal, dR = dr, dZ = dz, dN = dn, dHn = dhn, rec = recurrent;
        float[] accR = biasRows[0], accZ = biasRows[1], accN = biasRows[2], accHn = biasRows[3];
        for (int step = time - 1; step >= 0; step--) {
            float[] rr = reset[step], zz = update[step], nn = candidate[step], hn = hiddenPart[step], hPrev = h[step];
            dLdhBuf.get(step * m + lo, dht, lo, hi - lo);
            for (int k = lo; k < hi; k++) dht[k] += dh[k];
            // h = (1 − z)·n + z·h_prev: through n (then its tanh), through z (then its sigmoid), and directly.
            for (int k = lo; k < hi; k++) dN[k] = dht[k] * (1f - zz[k]) * (1f - nn[k] * nn[k]);
            for (int k = lo; k < hi; k++) dZ[k] = dht[k] * (hPrev[k] - nn[k]) * zz[k] * (1f - zz[k]);
            for (int k = lo; k < hi; k++) dHn[k] = dN[k] * rr[k];
            for (int k = lo; k < hi; k++) dR[k] = dN[k] * hn[k] * rr[k] * (1f - rr[k]);
            for (int k = lo; k < hi; k++) dh[k] = dht[k] * zz[k];
            for (int k = lo; k < hi; k++) accR[k] += dR[k];
            for (int k = lo; k < hi; k++) accZ[k] += dZ[k];
            for (int k = lo; k < hi; k++) accN[k] += dN[k];
            for (int k = lo; k < hi; k++) accHn[k] += dHn[k];
            float[] hR = dR, hZ = dZ, hN = dHn; // what the recurrent product's rows receive
            float[] xR = dR, xZ = dZ, xN = dN;  // what the input products' rows receive
            if (layerNorm) {
                float[] nr = normR[step], nz = normZ[step], nh = normN[step], inv = hiddenInv[step];
                float[] gR = hiddenGainRows[0], gZ = hiddenGainRows[1], gN = hiddenGainRows[2];
                float[] ghr = hiddenGain[0], ghz = hiddenGain[1], ghn = hiddenGain[2];
                for (int k = lo; k < hi; k++) gR[k] += dR[k] * nr[k];
                for (int k = lo; k < hi; k++) gZ[k] += dZ[k] * nz[k];
                for (int k = lo; k < hi; k++) gN[k] += dHn[k] * nh[k];
                hR = normGradR;
                hZ = normGradZ;
                hN = normGradN;
                for (int k = lo; k < hi; k++) hR[k] = dR[k] * ghr[k];
                for (int k = lo; k < hi; k++) hZ[k] = dZ[k] * ghz[k];
                for (int k = lo; k < hi; k++) hN[k] = dHn[k] * ghn[k];
                for (int r = r0; r < r1; r++) RowNorm.backward(hR, hZ, hN, r * n, n, nr, nz, nh, inv[r]);
                float[] xr = inputNormR[step], xz = inputNormZ[step], xn = inputNormN[step], xInv = inputInv[step];
                float[] gxR = inputGainRows[0], gxZ = inputGainRows[1], gxN = inputGainRows[2];
                for (int k = lo; k < hi; k++) gxR[k] += dR[k] * xr[k];
                for (int k = lo; k < hi; k++) gxZ[k] += dZ[k] * xz[k];
                for (int k = lo; k < hi; k++) gxN[k] += dN[k] * xn[k];
                xR = inputNormGradR;
                xZ = inputNormGradZ;
                xN = inputNormGradN;
                float[] gxr = inputGain[0], gxz = inputGain[1], gxn = inputGain[2];
                for (int k = lo; k < hi; k++) xR[k] = dR[k] * gxr[k];
                for (int k = lo; k < hi; k++) xZ[k] = dZ[k] * gxz[k];
                for (int k = lo; k < hi; k++) xN[k] = dN[k] * gxn[k];
                for (int r = r0; r < r1; r++) RowNorm.backward(xR, xZ, xN, r * n, n, xr, xz, xn, xInv[r]);
            }
            for (int r = r0; r < r1; r++) {
                int row = (step * bs + r) * g;
                int at = r * n;
                putRow(p, xGrad, inputGrads, row, xR, at, n);
                putRow(p, xGrad, inputGrads, row + n, xZ, at, n);
                putRow(p, xGrad, inputGrads, row + 2 * n, xN, at, n);
                putRow(p, hGrad, hiddenGrads, row, hR, at, n);
                putRow(p, hGrad, hiddenGrads, row + n, hZ, at, n);
                putRow(p, hGrad, hiddenGrads, row + 2 * n, hN, at, n);
            }
            if (step > 0) {
                // The carried h0 is a constant: no gradient flows into it.
                stepProduct(p, hiddenGrads, (long) step * bs + r0, wrT, recurrentGrad, r0, r1 - r0, 0f);
                recBuf.get(lo, rec, lo, hi - lo);
                for (int k = lo; k < hi; k++) dh[k] += rec[k];
            }
        }
    }

    @Override
    protected void allocate(int t, int bs, int nIn, int n) {
        int m = bs * n;
        long rowsTotal = (long) t * bs;
        inputGates = Nd4j.createUninitialized(DataType.FLOAT, rowsTotal, 3L * n);
        hiddenGates = Nd4j.createUninitialized(DataType.FLOAT, rowsTotal, 3L * n);
        inputGrads = Nd4j.createUninitialized(DataType.FLOAT, rowsTotal, 3L * n);
        hiddenGrads = Nd4j.createUninitialized(DataType.FLOAT, rowsTotal, 3L * n);
        mirror(inputGrads);
        mirror(hiddenGrads);
        recurrentGrad = Nd4j.createUninitialized(DataType.FLOAT, bs, n);
        reset = new float[t][m];
        update = new float[t][m];
        candidate = new float[t][m];
        hiddenPart = new float[t][m];
        h = new float[t + 1][m];
        fromHiddenR = new float[m];
        fromHiddenZ = new float[m];
        biasValues = new float[(layerNorm ? 10 : 4) * n];
        hiddenBias = new float[m];
        dh = new float[m];
        dhTotal = new float[m];
        dr = new float[m];
        dz = new float[m];
        dn = new float[m];
        dhn = new float[m];
        recurrent = new float[m];
        biasRows = new float[4][m];
        biasGrad = new float[(layerNorm ? 10 : 4) * n];
        if (layerNorm) {
            inputNormR = new float[t][m];
            inputNormZ = new float[t][m];
            inputNormN = new float[t][m];
            inputInv = new float[t][bs];
            normR = new float[t][m];
            normZ = new float[t][m];
            normN = new float[t][m];
            hiddenInv = new float[t][bs];
            inputGain = new float[3][m];
            inputBias = new float[3][m];
            hiddenGain = new float[3][m];
            inputGainRows = new float[3][m];
            hiddenGainRows = new float[3][m];
            normGradR = new float[m];
            normGradZ = new float[m];
            normGradN = new float[m];
            inputNormGradR = new float[m];
            inputNormGradZ = new float[m];
            inputNormGradN = new float[m];
        }
    }
}
