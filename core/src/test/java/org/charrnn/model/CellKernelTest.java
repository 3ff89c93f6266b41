package org.charrnn.model;

import org.charrnn.model.gru.GruTrainingKernel;
import org.charrnn.model.gru.GruReferenceKernel;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.lstm.LstmTrainingKernel;
import org.charrnn.model.lstm.LstmReferenceKernel;
import org.charrnn.model.rnn.RnnTrainingKernel;
import org.charrnn.model.rnn.RnnReferenceKernel;
import org.charrnn.testing.ScalarCells;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every cell's kernels against the plain scalar reference ({@link ScalarCells}): the fast float32
 * kernel to float tolerance, the reference kernel (ND4J ops; for the LSTM, ND4J's native op) to
 * float tolerance in float and to rounding in double — forward, backward, carried initial state,
 * one-hot lookup and dense input, buffers reused across calls.
 */
class CellKernelTest {

    static RecurrentKernel fast(String cell) {
        return fast(cell, false);
    }

    static RecurrentKernel fast(String cell, boolean bf16) {
        return switch (cell) {
            case "lstm" -> new LstmTrainingKernel(bf16, false);
            case "gru" -> new GruTrainingKernel(bf16, false);
            default -> new RnnTrainingKernel(bf16);
        };
    }

    static RecurrentKernel reference(String cell) {
        return switch (cell) {
            case "lstm" -> new LstmReferenceKernel();
            case "gru" -> new GruReferenceKernel();
            default -> new RnnReferenceKernel();
        };
    }

    /** One segment's inputs, as arrays for the scalar reference. */
    private record Case(String cell, double[][][] x, double[][] wx, double[][] wr, double[] b, double[][] h0, double[][] c0,
                        double[][][] dLdh) {
        static Case random(String cell, int t, int bs, int nIn, int n, boolean oneHot, long seed) {
            Random r = new Random(seed);
            int g = ScalarCells.gates(cell) * n;
            double[][][] x = new double[t][bs][nIn];
            for (double[][] step : x) {
                for (double[] row : step) {
                    if (oneHot) row[r.nextInt(nIn)] = 1;
                    else for (int k = 0; k < nIn; k++) row[k] = (r.nextDouble() - 0.5) * 0.6;
                }
            }
            return new Case(cell, x, matrix(r, nIn, g, 0.6), matrix(r, n, g, 0.6), matrix(r, 1, ScalarCells.biasLength(cell, n), 0.6)[0],
                    matrix(r, bs, n, 0.6), matrix(r, bs, n, 1.8), tensor(r, t, bs, n));
        }
    }

    private static double[][] matrix(Random r, int rows, int cols, double scale) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) for (int k = 0; k < cols; k++) row[k] = (r.nextDouble() - 0.5) * scale;
        return m;
    }

    private static double[][][] tensor(Random r, int t, int rows, int cols) {
        double[][][] a = new double[t][][];
        for (int i = 0; i < t; i++) a[i] = matrix(r, rows, cols, 0.6);
        return a;
    }

    private static INDArray nd(DataType type, double[][][] a) {
        return Nd4j.create(a).castTo(type);
    }

    private static INDArray nd(DataType type, double[][] a) {
        return Nd4j.create(a).castTo(type);
    }

    /** {h, hLast, [cLast], dx, dWx, dWr, db} computed by a kernel. */
    private static INDArray[] run(RecurrentKernel k, Case c, DataType type, boolean wantDx) {
        int t = c.x.length, bs = c.x[0].length, nIn = c.x[0][0].length, n = c.h0[0].length;
        boolean lstm = c.cell.equals("lstm");
        INDArray x = nd(type, c.x);
        INDArray wx = nd(type, c.wx);
        INDArray wr = nd(type, c.wr);
        INDArray b = Nd4j.create(c.b).castTo(type);
        INDArray[] state0 = lstm ? new INDArray[]{nd(type, c.h0), nd(type, c.c0)} : new INDArray[]{nd(type, c.h0)};
        INDArray[] last = lstm ? new INDArray[]{Nd4j.create(type, bs, n), Nd4j.create(type, bs, n)} : new INDArray[]{Nd4j.create(type, bs, n)};
        INDArray h = Nd4j.create(type, t, bs, n);
        k.forward(x, wx, wr, b, state0, h, last);
        INDArray dx = wantDx ? Nd4j.create(type, t, bs, nIn) : null;
        INDArray dWx = Nd4j.create(type, wx.shape());
        INDArray dWr = Nd4j.create(type, wr.shape());
        INDArray db = Nd4j.create(type, b.length());
        k.backward(x, wx, wr, b, state0, nd(type, c.dLdh), dx, dWx, dWr, db);
        return lstm ? new INDArray[]{h, last[0], last[1], dx, dWx, dWr, db} : new INDArray[]{h, last[0], dx, dWx, dWr, db};
    }

    private static INDArray[] expected(Case c) {
        ScalarCells.Result r = ScalarCells.run(c.cell, c.x, c.wx, c.wr, c.b, c.h0, c.c0, c.dLdh);
        DataType d = DataType.DOUBLE;
        INDArray db = Nd4j.create(r.db);
        return c.cell.equals("lstm")
                ? new INDArray[]{nd(d, r.h), nd(d, r.hLast), nd(d, r.cLast), nd(d, r.dx), nd(d, r.dWx), nd(d, r.dWr), db}
                : new INDArray[]{nd(d, r.h), nd(d, r.hLast), nd(d, r.dx), nd(d, r.dWx), nd(d, r.dWr), db};
    }

    /** Each actual output (null: not computed) within {@code tolerance} of the expected one, relative to its largest magnitude. */
    static void assertClose(String what, INDArray[] expected, INDArray[] actual, double tolerance) {
        for (int i = 0; i < expected.length; i++) {
            if (actual[i] == null) continue;
            INDArray e = expected[i].castTo(DataType.DOUBLE);
            INDArray a = actual[i].castTo(DataType.DOUBLE).reshape(e.shape());
            double scale = Math.max(e.amaxNumber().doubleValue(), 1e-3);
            double err = e.sub(a).amaxNumber().doubleValue() / scale;
            assertTrue(err < tolerance, what + ", output " + i + ": max error relative to max magnitude " + err);
        }
    }

    private static void fastMatches(String cell, int t, int bs, int nIn, int n, boolean oneHot, boolean reuse) {
        Case c = Case.random(cell, t, bs, nIn, n, oneHot, 31L * t + 7L * bs + n + (oneHot ? 1 : 0));
        RecurrentKernel k = fast(cell);
        INDArray[] got = run(k, c, DataType.FLOAT, true);
        if (reuse) got = run(k, c, DataType.FLOAT, true);
        assertClose(cell + " fast kernel T=" + t + " B=" + bs + " nIn=" + nIn + " n=" + n + (oneHot ? " one-hot" : " dense"),
                expected(c), got, 2e-5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn"})
    void fastKernelEqualsTheScalarReference(String cell) {
        fastMatches(cell, 7, 3, 5, 4, false, false);
        fastMatches(cell, 1, 1, 65, 16, true, false);   // one step, one stream: sampling's shape
        fastMatches(cell, 25, 1, 65, 100, true, true);  // min-char-rnn's shape
        fastMatches(cell, 20, 6, 11, 8, true, true);
        fastMatches(cell, 12, 10, 128, 128, false, false); // a second layer of the default size
    }

    /**
     * With several cores the streams step in groups on their own threads (each group's products
     * single-threaded): the same result as the scalar reference, for even and uneven groups, across
     * buffers reused from one shape to another. The test thread's OpenMP setting is what the
     * kernel reads for the number of groups (the tests otherwise run with one thread).
     */
    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn"})
    void streamsInGroupsOnSeveralThreadsEqualTheScalarReference(String cell) {
        Nd4j.getBackend(); // ND4J loads its natives (and OpenMP) first
        var ops = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps();
        int before = ops.ompGetMaxThreads();
        try {
            for (int threads : new int[]{2, 3}) {
                ops.setOmpNumThreads(threads);
                assertEquals(org.charrnn.model.kernel.GemmEngine.current().concurrent() ? threads : 1,
                        org.charrnn.model.kernel.StreamParallel.parts(24), "groups of 24 streams on " + threads + " threads");
                fastMatches(cell, 9, 24, 13, 10, false, true);
                fastMatches(cell, 11, 26, 17, 12, true, false); // 26 streams: groups of 8, 9 and 9
            }
        } finally {
            ops.setOmpNumThreads(before);
        }
    }

    /**
     * model.precision: bf16: the products read bfloat16 copies of their operands (8 significant
     * bits), everything else stays float32 — so the results follow the reference to bf16's precision,
     * for every product (input projection, recurrence, weight and input gradients), in groups of
     * streams and on one, dense input and one-hot.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn"})
    void bf16ProductsFollowTheReferenceToBf16Precision(String cell) {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.charrnn.model.kernel.GemmEngine.current().concurrent(),
                "bf16 products run on oneDNN");
        Nd4j.getBackend(); // ND4J loads its natives (and OpenMP) first
        var ops = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps();
        int before = ops.ompGetMaxThreads();
        try {
            for (int threads : new int[]{1, 2}) {
                ops.setOmpNumThreads(threads);
                for (boolean oneHot : new boolean[]{false, true}) {
                    Case c = Case.random(cell, 12, 24, 17, 16, oneHot, 5 + threads);
                    RecurrentKernel k = fast(cell, true);
                    INDArray[] got = run(k, c, DataType.FLOAT, true);
                    got = run(k, c, DataType.FLOAT, true); // buffers reused
                    assertClose(cell + " bf16, " + threads + " threads" + (oneHot ? ", one-hot" : ""), expected(c), got, 1e-2);
                    INDArray[] exact = run(fast(cell), c, DataType.FLOAT, true);
                    boolean differs = false;
                    for (int i = 0; i < exact.length; i++) {
                        if (exact[i] != null && !exact[i].equals(got[i])) differs = true;
                    }
                    assertTrue(differs, "bf16 products round their operands: some result differs from float32's");
                }
            }
        } finally {
            ops.setOmpNumThreads(before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn"})
    void aDenseSegmentAfterAOneHotOneTakesTheGemmPath(String cell) {
        RecurrentKernel k = fast(cell);
        Case oneHot = Case.random(cell, 20, 6, 11, 8, true, 1);
        run(k, oneHot, DataType.FLOAT, true);
        Case dense = Case.random(cell, 20, 6, 11, 8, false, 2);
        for (int j = 0; j < 11; j++) dense.x[0][0][j] = j == 3 ? 1 : 0; // its first row looks one-hot
        INDArray[] got = run(k, dense, DataType.FLOAT, true);
        assertClose(cell + " dense after one-hot", expected(dense), got, 2e-5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn"})
    void skippingTheInputGradientChangesNothingElse(String cell) {
        Case c = Case.random(cell, 9, 4, 7, 6, true, 11);
        INDArray[] full = run(fast(cell), c, DataType.FLOAT, true);
        INDArray[] without = run(fast(cell), c, DataType.FLOAT, false);
        for (int i = full.length - 3; i < full.length; i++) assertEquals(full[i], without[i], "weight gradient " + i);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn"})
    void referenceKernelEqualsTheScalarReference(String cell) {
        Case c = Case.random(cell, 6, 3, 5, 4, false, 5);
        assertClose(cell + " reference kernel, float", expected(c), run(reference(cell), c, DataType.FLOAT, true), 2e-5);
        if (!cell.equals("lstm")) { // ours run in double too (ND4J's native LSTM is checked by finite differences)
            assertClose(cell + " reference kernel, double", expected(c), run(reference(cell), c, DataType.DOUBLE, true), 1e-12);
        }
    }
}
