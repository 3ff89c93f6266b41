package org.charrnn.model.gru;

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
import java.util.Arrays;

import static org.charrnn.model.kernel.FloatArrays.buffer;
import static org.charrnn.model.kernel.FloatArrays.contiguous;
import static org.charrnn.model.kernel.FloatArrays.read;
import static org.charrnn.model.kernel.FloatArrays.rows;
import static org.charrnn.model.kernel.FloatArrays.write;

/**
 * A float32 GRU {@link RecurrentKernel} built for speed on a CPU, in the form of {@link GruLayerConfig}
 * (PyTorch's): per step one [B,n]×[n,3n] GEMM h·Wr for all three gates, then one pass of gate
 * arithmetic; the input side of all steps at once ({@link InputProjection}); dWr = Hprevᵀ·dGh as one
 * GEMM over the segment. Gates, candidate and hidden states are kept for the backward pass. The Java
 * loops all run k over [0, B·n) on per-gate arrays so that C2 vectorises them (see LstmTrainingKernel).
 * Exact to float rounding against a plain reference (tests). Not thread-safe: one instance per layer.
 */
public final class GruTrainingKernel extends TrainingKernel {

    private INDArray inputGates;     // [T·B, 3n]: x·Wx + b_x, blocks r|z|n
    private INDArray hiddenGates;    // [T·B, 3n]: h_{t-1}·Wr, blocks r|z|n (the GEMM target)
    private INDArray inputGrads;     // [T·B, 3n]: dL/d(input-side pre-activations)
    private INDArray hiddenGrads;    // [T·B, 3n]: dL/d(hidden-side pre-activations)
    private INDArray recurrentGrad;  // [B, n]: dGh_t · Wrᵀ
    private INDArray[] hiddenGateRows;
    private INDArray[] hiddenGradRows;

    // Per step t, each [B·n], element r·n + j for stream r, unit j:
    private float[][] reset;         // r
    private float[][] update;        // z
    private float[][] candidate;     // n
    private float[][] hiddenPart;    // W_hn h + b_hn (what r multiplies)
    private float[][] h;             // [T+1]: h[0] = h0, h[t+1] = h_t
    // Scratch, [B·n]:
    private float[] fromHiddenR;
    private float[] fromHiddenZ;
    private float[] biasValues;      // [4n]: b as floats
    private float[] hiddenBias;      // b_hn tiled over the streams
    private float[] dh;              // dL/dh_{t-1} carried to the step before
    private float[] dhTotal;
    private float[] dr;
    private float[] dz;
    private float[] dn;
    private float[] dhn;
    private float[] recurrent;
    private float[][] biasRows;      // r, z, n (input side), hn: Σ over steps, still per stream
    private float[] biasGrad;        // [4n]

    @Override
    public void forward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray hOut, INDArray[] stateLast) {
        INDArray h0 = state0[0];
        int t = (int) x.size(0);
        int bs = (int) x.size(1);
        int nIn = (int) x.size(2);
        int n = (int) h0.size(1);
        int g = 3 * n;
        int m = bs * n;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            ensureBuffers(t, bs, nIn, n);
            wr = contiguous(wr);
            projection.forward(inputRows(x), wx, b, inputGates);
            read(b, biasValues, 0, 4 * n);
            for (int r = 0; r < bs; r++) System.arraycopy(biasValues, g, hiddenBias, r * n, n);
            hiddenRows[0].assign(h0);
            read(h0, h[0], 0, m);

            FloatBuffer xg = buffer(inputGates);
            FloatBuffer hg = buffer(hiddenGates);
            FloatBuffer hiddenBuf = buffer(hidden);
            float[] sr = fromHiddenR, sz = fromHiddenZ, bh = hiddenBias;
            for (int step = 0; step < t; step++) {
                Sgemm.gemm(hiddenRows[step], false, wr, false, hiddenGateRows[step], 1f, 0f);
                float[] rr = reset[step], zz = update[step], nn = candidate[step], hn = hiddenPart[step];
                float[] hPrev = h[step], hNow = h[step + 1];
                for (int r = 0; r < bs; r++) {
                    int row = (step * bs + r) * g;
                    xg.get(row, rr, r * n, n);
                    xg.get(row + n, zz, r * n, n);
                    xg.get(row + 2 * n, nn, r * n, n);
                    hg.get(row, sr, r * n, n);
                    hg.get(row + n, sz, r * n, n);
                    hg.get(row + 2 * n, hn, r * n, n);
                }
                for (int k = 0; k < m; k++) rr[k] += sr[k];
                FloatActivations.sigmoidInPlace(rr, 0, m);
                for (int k = 0; k < m; k++) zz[k] += sz[k];
                FloatActivations.sigmoidInPlace(zz, 0, m);
                for (int k = 0; k < m; k++) hn[k] += bh[k];
                for (int k = 0; k < m; k++) nn[k] += rr[k] * hn[k];
                FloatActivations.tanhInPlace(nn, 0, m);
                for (int k = 0; k < m; k++) hNow[k] = nn[k] + zz[k] * (hPrev[k] - nn[k]);
                hiddenBuf.put((step + 1) * m, hNow, 0, m);
            }
            hOut.assign(outputHidden);
            write(stateLast[0], h[t], 0, m);
        }
    }

    @Override
    public void backward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray dLdh,
                         INDArray dx, INDArray dWx, INDArray dWr, INDArray db) {
        int t = time;
        int bs = batch;
        int n = units;
        int g = 3 * n;
        int m = bs * n;
        requireLastSegment(x, dLdh);
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            wr = contiguous(wr);
            FloatBuffer dLdhBuf = buffer(contiguous(dLdh));
            FloatBuffer xGrad = buffer(inputGrads);
            FloatBuffer hGrad = buffer(hiddenGrads);
            FloatBuffer recBuf = buffer(recurrentGrad);
            Arrays.fill(dh, 0f);
            for (float[] rows : biasRows) Arrays.fill(rows, 0f);
            float[] dht = dhTotal, dR = dr, dZ = dz, dN = dn, dHn = dhn, rec = recurrent;
            float[] accR = biasRows[0], accZ = biasRows[1], accN = biasRows[2], accHn = biasRows[3];
            for (int step = t - 1; step >= 0; step--) {
                float[] rr = reset[step], zz = update[step], nn = candidate[step], hn = hiddenPart[step], hPrev = h[step];
                dLdhBuf.get(step * m, dht, 0, m);
                for (int k = 0; k < m; k++) dht[k] += dh[k];
                // h = (1 − z)·n + z·h_prev: through n (then its tanh), through z (then its sigmoid), and directly.
                for (int k = 0; k < m; k++) dN[k] = dht[k] * (1f - zz[k]) * (1f - nn[k] * nn[k]);
                for (int k = 0; k < m; k++) dZ[k] = dht[k] * (hPrev[k] - nn[k]) * zz[k] * (1f - zz[k]);
                for (int k = 0; k < m; k++) dHn[k] = dN[k] * rr[k];
                for (int k = 0; k < m; k++) dR[k] = dN[k] * hn[k] * rr[k] * (1f - rr[k]);
                for (int k = 0; k < m; k++) dh[k] = dht[k] * zz[k];
                for (int k = 0; k < m; k++) accR[k] += dR[k];
                for (int k = 0; k < m; k++) accZ[k] += dZ[k];
                for (int k = 0; k < m; k++) accN[k] += dN[k];
                for (int k = 0; k < m; k++) accHn[k] += dHn[k];
                for (int r = 0; r < bs; r++) {
                    int row = (step * bs + r) * g;
                    int at = r * n;
                    xGrad.put(row, dR, at, n);
                    xGrad.put(row + n, dZ, at, n);
                    xGrad.put(row + 2 * n, dN, at, n);
                    hGrad.put(row, dR, at, n);
                    hGrad.put(row + n, dZ, at, n);
                    hGrad.put(row + 2 * n, dHn, at, n);
                }
                if (step > 0) {
                    // The carried h0 is a constant: no gradient flows into it.
                    Sgemm.gemm(hiddenGradRows[step], false, wr, true, recurrentGrad, 1f, 0f);
                    recBuf.get(0, rec, 0, m);
                    for (int k = 0; k < m; k++) dh[k] += rec[k];
                }
            }
            for (int q = 0; q < 4; q++) sumOverStreams(biasRows[q], bs, n, biasGrad, q * n);
            projection.weightGradient(inputRows(x), inputGrads, dWx);
            Sgemm.gemm(previousHidden, true, hiddenGrads, false, dWr, 1f, 0f);
            write(db, biasGrad, 0, 4 * n);
            if (dx != null) projection.inputGradient(inputGrads, wx, dx.reshape('c', (long) t * bs, inputs));
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
        recurrentGrad = Nd4j.createUninitialized(DataType.FLOAT, bs, n);
        reset = new float[t][m];
        update = new float[t][m];
        candidate = new float[t][m];
        hiddenPart = new float[t][m];
        h = new float[t + 1][m];
        fromHiddenR = new float[m];
        fromHiddenZ = new float[m];
        biasValues = new float[4 * n];
        hiddenBias = new float[m];
        dh = new float[m];
        dhTotal = new float[m];
        dr = new float[m];
        dz = new float[m];
        dn = new float[m];
        dhn = new float[m];
        recurrent = new float[m];
        biasRows = new float[4][m];
        biasGrad = new float[4 * n];
        hiddenGateRows = stepRows(hiddenGates, t, bs);
        hiddenGradRows = stepRows(hiddenGrads, t, bs);
    }
}
