package org.charrnn.model.kernel;

/**
 * Matrix–vector products for single-step inference (sampling, visualize), with the matrix held as
 * one Java array per row. Rows are separate arrays because C2 (JDK 17) vectorises the inner loop
 * only when every array in it is indexed by the same expression: with W as one flat array
 * (w[o + k]) the same loop ran scalar, several times slower.
 */
public final class RowMatrix {
    private RowMatrix() {}

    /** y[lo, hi) += (v·W)[lo, hi), v of length {@code rows}; four rows per pass (y is loaded and stored a quarter as often). */
    public static void multiplyAdd(float[] v, int rows, float[][] w, float[] y, int lo, int hi) {
        int j = 0;
        for (; j + 3 < rows; j += 4) {
            float a0 = v[j];
            float a1 = v[j + 1];
            float a2 = v[j + 2];
            float a3 = v[j + 3];
            float[] w0 = w[j];
            float[] w1 = w[j + 1];
            float[] w2 = w[j + 2];
            float[] w3 = w[j + 3];
            for (int k = lo; k < hi; k++) y[k] += a0 * w0[k] + a1 * w1[k] + a2 * w2[k] + a3 * w3[k];
        }
        for (; j < rows; j++) {
            float a = v[j];
            float[] wj = w[j];
            for (int k = lo; k < hi; k++) y[k] += a * wj[k];
        }
    }
}
