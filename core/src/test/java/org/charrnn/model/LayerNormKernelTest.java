package org.charrnn.model;

import org.charrnn.model.gru.GruReferenceKernel;
import org.charrnn.model.gru.GruTrainingKernel;
import org.charrnn.model.lstm.LayerNormLstmReferenceKernel;
import org.charrnn.model.lstm.LstmReferenceKernel;
import org.charrnn.model.lstm.LstmTrainingKernel;
import org.charrnn.model.kernel.GemmEngine;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.kernel.StreamParallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layer-normalised cells' fast float32 kernels against their reference kernels run in double (whose
 * gradients CellGradientTest checks by finite differences): forward, backward, carried state, gains
 * away from 1, one-hot and dense input, streams in groups on several threads, bf16 products.
 */
class LayerNormKernelTest {

    /** What differs between the two cells: gate blocks, the parameters after Wx and Wr, the states, the kernels. */
    enum Cell {
        GRU(3, 4, 10, 1), LSTM(4, 4, 14, 2);

        final int gates;
        final int bias;
        final int params;
        final int states;

        Cell(int gates, int bias, int params, int states) {
            this.gates = gates;
            this.bias = bias;
            this.params = params;
            this.states = states;
        }

        RecurrentKernel reference(boolean layerNorm) {
            if (this == GRU) return new GruReferenceKernel(layerNorm);
            return layerNorm ? new LayerNormLstmReferenceKernel() : new LstmReferenceKernel();
        }

        RecurrentKernel fast(boolean bf16) {
            return this == GRU ? new GruTrainingKernel(bf16, true) : new LstmTrainingKernel(bf16, true);
        }
    }

    /** x, Wx, Wr, b (bias, then gains), the states and dL/dh of one segment, in double. */
    private record Case(Cell cell, INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray dLdh) {
        static Case random(Cell cell, int t, int bs, int nIn, int n, boolean oneHot, long seed) {
            Random r = new Random(seed);
            double[][][] x = new double[t][bs][nIn];
            for (double[][] step : x) {
                for (double[] row : step) {
                    if (oneHot) row[r.nextInt(nIn)] = 1;
                    else for (int k = 0; k < nIn; k++) row[k] = (r.nextDouble() - 0.5) * 0.6;
                }
            }
            double[] b = new double[cell.params * n];
            for (int k = 0; k < b.length; k++) b[k] = k < cell.bias * n ? (r.nextDouble() - 0.5) * 0.6 : 0.5 + r.nextDouble();
            INDArray[] state0 = new INDArray[cell.states];
            for (int q = 0; q < state0.length; q++) state0[q] = matrix(r, bs, n);
            return new Case(cell, Nd4j.create(x), matrix(r, nIn, cell.gates * n), matrix(r, n, cell.gates * n), Nd4j.create(b), state0,
                    randomTensor(r, t, bs, n));
        }

        Case withoutGains() {
            long n = wr.size(0);
            return new Case(cell, x, wx, wr, b.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, cell.bias * n)).dup(), state0, dLdh);
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

    /** {h, the last states…, dx, dWx, dWr, db} of one forward and backward pass. */
    private static INDArray[] run(RecurrentKernel k, Case c, DataType type) {
        long t = c.x.size(0), bs = c.x.size(1), nIn = c.x.size(2), n = c.wr.size(0);
        INDArray x = c.x.castTo(type), wx = c.wx.castTo(type), wr = c.wr.castTo(type), b = c.b.castTo(type);
        INDArray[] state0 = new INDArray[c.state0.length];
        INDArray[] last = new INDArray[c.state0.length];
        for (int q = 0; q < state0.length; q++) {
            state0[q] = c.state0[q].castTo(type);
            last[q] = Nd4j.create(type, bs, n);
        }
        INDArray h = Nd4j.create(type, t, bs, n);
        k.forward(x, wx, wr, b, state0, h, last);
        INDArray dx = Nd4j.create(type, t, bs, nIn);
        INDArray dWx = Nd4j.create(type, wx.shape());
        INDArray dWr = Nd4j.create(type, wr.shape());
        INDArray db = Nd4j.create(type, b.length());
        k.backward(x, wx, wr, b, state0, c.dLdh.castTo(type), dx, dWx, dWr, db);
        java.util.List<INDArray> all = new java.util.ArrayList<>(java.util.List.of(h));
        all.addAll(java.util.List.of(last));
        all.addAll(java.util.List.of(dx, dWx, dWr, db));
        return all.toArray(INDArray[]::new);
    }

    private static void fastMatches(Cell cell, int t, int bs, int nIn, int n, boolean oneHot, boolean bf16, double tolerance) {
        Case c = Case.random(cell, t, bs, nIn, n, oneHot, 17L * t + 5L * bs + n + (oneHot ? 1 : 0));
        INDArray[] expected = run(cell.reference(true), c, DataType.DOUBLE);
        RecurrentKernel k = cell.fast(bf16);
        run(k, c, DataType.FLOAT);
        INDArray[] got = run(k, c, DataType.FLOAT); // buffers reused
        CellKernelTest.assertClose(cell + " T=" + t + " B=" + bs + " nIn=" + nIn + " n=" + n + (oneHot ? " one-hot" : " dense")
                + (bf16 ? " bf16" : ""), expected, got, tolerance);
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void fastKernelEqualsTheReference(Cell cell) {
        fastMatches(cell, 7, 3, 5, 4, false, false, 2e-5);
        fastMatches(cell, 1, 1, 65, 16, true, false, 2e-5);
        fastMatches(cell, 20, 6, 11, 8, true, false, 2e-5);
        fastMatches(cell, 12, 10, 128, 128, false, false, 2e-5);
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void streamsInGroupsOnSeveralThreadsAndBf16ProductsFollowTheReference(Cell cell) {
        Nd4j.getBackend();
        var ops = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps();
        int before = ops.ompGetMaxThreads();
        try {
            for (int threads : new int[]{2, 3}) {
                ops.setOmpNumThreads(threads);
                assertEquals(GemmEngine.current().concurrent() ? threads : 1, StreamParallel.parts(24));
                fastMatches(cell, 9, 24, 13, 10, false, false, 2e-5);
                fastMatches(cell, 11, 26, 17, 12, true, false, 2e-5);
                // bf16 keeps 8 significant bits; normalising divides a row's rounding by the row's spread (here ~2×),
                // and the LSTM's gradients pass two normalisations (the cell's, then each side's).
                if (GemmEngine.current().concurrent()) fastMatches(cell, 12, 24, 17, 16, false, true, cell == Cell.GRU ? 3e-2 : 6e-2);
            }
        } finally {
            ops.setOmpNumThreads(before);
        }
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void theGainsAndTheNormalisationChangeTheResult(Cell cell) {
        Case c = Case.random(cell, 6, 3, 5, 4, false, 3);
        INDArray[] normalised = run(cell.reference(true), c, DataType.DOUBLE);
        INDArray[] without = run(cell.reference(false), c.withoutGains(), DataType.DOUBLE);
        assertFalse(normalised[0].equalsWithEps(without[0], 1e-3), "layer normalisation changes the hidden states");
        INDArray db = normalised[normalised.length - 1];
        long n = 4;
        assertTrue(db.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(cell.bias * n, cell.params * n)).amaxNumber().doubleValue() > 1e-4,
                "the gains get a gradient");
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void aBiasWithoutGainsIsRefused(Cell cell) {
        Case c = Case.random(cell, 2, 1, 3, 4, false, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> run(cell.fast(false), c.withoutGains(), DataType.FLOAT));
        assertTrue(e.getMessage().contains("expected " + cell.params * 4), e.getMessage());
    }
}
