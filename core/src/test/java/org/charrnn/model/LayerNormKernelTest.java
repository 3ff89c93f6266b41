package org.charrnn.model;

import org.charrnn.model.gru.GruReferenceKernel;
import org.charrnn.model.gru.GruTrainingKernel;
import org.charrnn.model.kernel.GemmEngine;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.kernel.StreamParallel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layer-normalised GRU's fast float32 kernel against its reference kernel run in double (whose
 * gradients CellGradientTest checks by finite differences): forward, backward, carried state, gains
 * away from 1, one-hot and dense input, streams in groups on several threads, bf16 products.
 */
class LayerNormGruTest {

    /** x, Wx, Wr, b (bias 4n, then gains 6n), h0 and dL/dh of one segment, in double. */
    private record Case(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray h0, INDArray dLdh) {
        static Case random(int t, int bs, int nIn, int n, boolean oneHot, long seed) {
            Random r = new Random(seed);
            double[][][] x = new double[t][bs][nIn];
            for (double[][] step : x) {
                for (double[] row : step) {
                    if (oneHot) row[r.nextInt(nIn)] = 1;
                    else for (int k = 0; k < nIn; k++) row[k] = (r.nextDouble() - 0.5) * 0.6;
                }
            }
            double[] b = new double[10 * n];
            for (int k = 0; k < b.length; k++) b[k] = k < 4 * n ? (r.nextDouble() - 0.5) * 0.6 : 0.5 + r.nextDouble();
            return new Case(Nd4j.create(x), matrix(r, nIn, 3 * n), matrix(r, n, 3 * n), Nd4j.create(b), matrix(r, bs, n),
                    randomTensor(r, t, bs, n));
        }
    }

    private static INDArray matrix(Random r, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) for (int k = 0; k < cols; k++) row[k] = (r.nextDouble() - 0.5) * 0.6;
        return Nd4j.create(m);
    }

    private static INDArray randomTensor(Random r, int t, int rows, int cols) {
        INDArray a = Nd4j.create(DataType.DOUBLE, t, rows, cols);
        for (int i = 0; i < t; i++) a.putSlice(i, matrix(r, rows, cols));
        return a;
    }

    /** {h, hLast, dx, dWx, dWr, db} of one forward and backward pass. */
    private static INDArray[] run(RecurrentKernel k, Case c, DataType type) {
        long t = c.x.size(0), bs = c.x.size(1), nIn = c.x.size(2), n = c.h0.size(1);
        INDArray x = c.x.castTo(type), wx = c.wx.castTo(type), wr = c.wr.castTo(type), b = c.b.castTo(type);
        INDArray[] state0 = {c.h0.castTo(type)};
        INDArray[] last = {Nd4j.create(type, bs, n)};
        INDArray h = Nd4j.create(type, t, bs, n);
        k.forward(x, wx, wr, b, state0, h, last);
        INDArray dx = Nd4j.create(type, t, bs, nIn);
        INDArray dWx = Nd4j.create(type, wx.shape());
        INDArray dWr = Nd4j.create(type, wr.shape());
        INDArray db = Nd4j.create(type, b.length());
        k.backward(x, wx, wr, b, state0, c.dLdh.castTo(type), dx, dWx, dWr, db);
        return new INDArray[]{h, last[0], dx, dWx, dWr, db};
    }

    private static void fastMatches(int t, int bs, int nIn, int n, boolean oneHot, boolean bf16, double tolerance) {
        Case c = Case.random(t, bs, nIn, n, oneHot, 17L * t + 5L * bs + n + (oneHot ? 1 : 0));
        INDArray[] expected = run(new GruReferenceKernel(true), c, DataType.DOUBLE);
        RecurrentKernel k = new GruTrainingKernel(bf16, true);
        run(k, c, DataType.FLOAT);
        INDArray[] got = run(k, c, DataType.FLOAT); // buffers reused
        CellKernelTest.assertClose("T=" + t + " B=" + bs + " nIn=" + nIn + " n=" + n + (oneHot ? " one-hot" : " dense") + (bf16 ? " bf16" : ""),
                expected, got, tolerance);
    }

    @Test
    void fastKernelEqualsTheReference() {
        fastMatches(7, 3, 5, 4, false, false, 2e-5);
        fastMatches(1, 1, 65, 16, true, false, 2e-5);
        fastMatches(20, 6, 11, 8, true, false, 2e-5);
        fastMatches(12, 10, 128, 128, false, false, 2e-5);
    }

    @Test
    void streamsInGroupsOnSeveralThreadsAndBf16ProductsFollowTheReference() {
        Nd4j.getBackend();
        var ops = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps();
        int before = ops.ompGetMaxThreads();
        try {
            for (int threads : new int[]{2, 3}) {
                ops.setOmpNumThreads(threads);
                assertEquals(GemmEngine.current().concurrent() ? threads : 1, StreamParallel.parts(24));
                fastMatches(9, 24, 13, 10, false, false, 2e-5);
                fastMatches(11, 26, 17, 12, true, false, 2e-5);
                // bf16 keeps 8 significant bits; normalising divides a row's rounding by the row's spread (here ~2×).
                if (GemmEngine.current().concurrent()) fastMatches(12, 24, 17, 16, false, true, 3e-2);
            }
        } finally {
            ops.setOmpNumThreads(before);
        }
    }

    @Test
    void theGainsAndTheNormalisationChangeTheResult() {
        Case c = Case.random(6, 3, 5, 4, false, 3);
        INDArray[] normalised = run(new GruReferenceKernel(true), c, DataType.DOUBLE);
        Case plain = new Case(c.x, c.wx, c.wr, c.b.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 16)).dup(), c.h0, c.dLdh);
        INDArray[] without = run(new GruReferenceKernel(false), plain, DataType.DOUBLE);
        assertFalse(normalised[0].equalsWithEps(without[0], 1e-3), "layer normalisation changes the hidden states");
        INDArray db = normalised[5];
        assertTrue(db.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(16, 40)).amaxNumber().doubleValue() > 1e-4,
                "the gains get a gradient");
    }

    @Test
    void aBiasWithoutGainsIsRefused() {
        Case c = Case.random(2, 1, 3, 4, false, 1);
        Case plain = new Case(c.x, c.wx, c.wr, c.b.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 16)).dup(), c.h0, c.dLdh);
        var e = assertThrows(IllegalArgumentException.class, () -> run(new GruTrainingKernel(false, true), plain, DataType.FLOAT));
        assertTrue(e.getMessage().contains("expected 40"), e.getMessage());
    }
}
