package org.charrnn.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast kernel against the native-op reference: same outputs and gradients to float tolerance. */
class FastLstmKernelTest {

    private static INDArray rand(long... shape) {
        return Nd4j.rand(DataType.FLOAT, shape).subi(0.5).muli(0.6);
    }

    private static void assertClose(String what, INDArray expected, INDArray actual) {
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-3);
        double err = expected.sub(actual).amaxNumber().doubleValue() / scale;
        assertTrue(err < 2e-5, what + ": max error relative to max magnitude " + err);
    }

    private static void compare(int t, int b, int nIn, int n, boolean reuse) {
        Nd4j.getRandom().setSeed(t * 1000 + b * 10 + n);
        compare(rand(t, b, nIn), n, reuse);
    }

    /** Every row a character: the kernel takes its lookup path instead of the input GEMM. */
    private static INDArray oneHot(int t, int b, int nIn, long seed) {
        java.util.Random r = new java.util.Random(seed);
        INDArray x = Nd4j.zeros(DataType.FLOAT, t, b, nIn);
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < b; j++) x.putScalar(new long[]{i, j, r.nextInt(nIn)}, 1.0);
        }
        return x;
    }

    private static void compare(INDArray x, int n, boolean reuse) {
        compare(x, n, reuse, new FastLstmKernel());
    }

    private static void compare(INDArray x, int n, boolean reuse, FastLstmKernel fast) {
        long t = x.size(0), b = x.size(1), nIn = x.size(2);
        INDArray wx = rand(nIn, 4 * n);
        INDArray wr = rand(n, 4 * n);
        INDArray bias = rand(4 * n);
        INDArray h0 = rand(b, n);
        INDArray c0 = rand(b, n).muli(3);
        INDArray dLdh = rand(t, b, n);

        LstmKernel ref = new NativeLstmKernel();
        INDArray[] r = run(ref, x, wx, wr, bias, h0, c0, dLdh);
        INDArray[] f = run(fast, x, wx, wr, bias, h0, c0, dLdh);
        if (reuse) f = run(fast, x, wx, wr, bias, h0, c0, dLdh); // buffers reused across calls
        String[] names = {"h", "hLast", "cLast", "dx", "dWx", "dWr", "db"};
        for (int i = 0; i < names.length; i++) assertClose(names[i] + " (T=" + t + ", B=" + b + ", n=" + n + ")", r[i], f[i]);
    }

    private static INDArray[] run(LstmKernel k, INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray h0, INDArray c0,
                                  INDArray dLdh) {
        long t = x.size(0), bs = x.size(1), nIn = x.size(2), n = h0.size(1);
        INDArray h = Nd4j.create(DataType.FLOAT, t, bs, n);
        INDArray hL = Nd4j.create(DataType.FLOAT, bs, n);
        INDArray cL = Nd4j.create(DataType.FLOAT, bs, n);
        k.forward(x, wx, wr, b, h0, c0, h, hL, cL);
        INDArray dx = Nd4j.create(DataType.FLOAT, t, bs, nIn);
        INDArray dWx = Nd4j.create(DataType.FLOAT, nIn, 4 * n);
        INDArray dWr = Nd4j.create(DataType.FLOAT, n, 4 * n);
        INDArray db = Nd4j.create(DataType.FLOAT, 4 * n);
        k.backward(x, wx, wr, b, h0, c0, dLdh, dx, dWx, dWr, db);
        return new INDArray[]{h, hL, cL, dx, dWx, dWr, db};
    }

    @Test
    void oneHotInputTakesTheLookupPathAndStillMatches() {
        Nd4j.getRandom().setSeed(5);
        FastLstmKernel fast = new FastLstmKernel();
        compare(oneHot(20, 6, 11, 5), 8, true, fast);
        assertTrue(fast.lastInputWasOneHot());
        compare(oneHot(50, 50, 65, 6), 128, false); // the default config's first layer
        // The same kernel, then a dense segment of the same shape whose first row looks one-hot.
        Nd4j.getRandom().setSeed(7);
        INDArray dense = rand(20, 6, 11);
        for (int k = 0; k < 11; k++) dense.putScalar(new long[]{0, 0, k}, k == 3 ? 1.0 : 0.0);
        compare(dense, 8, false, fast);
        assertTrue(!fast.lastInputWasOneHot());
    }

    @Test
    void skipsTheInputGradientWhenNobodyWantsIt() {
        Nd4j.getRandom().setSeed(11);
        INDArray x = oneHot(9, 4, 7, 11);
        INDArray wx = rand(7, 24), wr = rand(6, 24), bias = rand(24), h0 = rand(4, 6), c0 = rand(4, 6), dLdh = rand(9, 4, 6);
        FastLstmKernel fast = new FastLstmKernel();
        INDArray[] full = run(fast, x, wx, wr, bias, h0, c0, dLdh);
        INDArray h = Nd4j.create(DataType.FLOAT, 9, 4, 6), hL = Nd4j.create(DataType.FLOAT, 4, 6), cL = Nd4j.create(DataType.FLOAT, 4, 6);
        fast.forward(x, wx, wr, bias, h0, c0, h, hL, cL);
        INDArray dWx = Nd4j.create(DataType.FLOAT, 7, 24), dWr = Nd4j.create(DataType.FLOAT, 6, 24), db = Nd4j.create(DataType.FLOAT, 24);
        fast.backward(x, wx, wr, bias, h0, c0, dLdh, null, dWx, dWr, db);
        org.junit.jupiter.api.Assertions.assertEquals(full[4], dWx);
        org.junit.jupiter.api.Assertions.assertEquals(full[5], dWr);
        org.junit.jupiter.api.Assertions.assertEquals(full[6], db);
    }

    @Test
    void matchesTheNativeReference() {
        compare(7, 3, 5, 4, false);
        compare(1, 1, 65, 16, false);   // one step, one stream: sampling's shape
        compare(25, 8, 65, 32, true);
        compare(50, 50, 128, 128, false); // the default config's second layer
    }
}
