package org.charrnn.model.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-step recurrent products of a single stream (batch 1, as min-char-rnn trains): y += h·Wr
 * forward and y = d·Wrᵀ backward are matrix–vector products, where a cblas_sgemm call costs
 * several microseconds of packing and dispatch for a microsecond of arithmetic. Here they are
 * vectorised Java loops over Wr (and Wrᵀ) held as row arrays, refreshed once per segment.
 */
public final class OneStreamProduct {
    private float[][] rows;       // Wr [n][width]
    private float[][] transposed; // Wrᵀ [width][n]
    private float[] flat;         // Wr as read, reused: a fresh copy per segment was most of what batch 1 allocated

    /** Copies Wr [n, width] (and its transpose) for the segment about to run. */
    public void load(INDArray wr) {
        int n = (int) wr.rows();
        int width = (int) wr.columns();
        if (rows == null || rows.length != n || rows[0].length != width) {
            rows = new float[n][width];
            transposed = new float[width][n];
            flat = new float[n * width];
        }
        FloatArrays.read(wr, flat, 0, flat.length);
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * width, rows[i], 0, width);
            for (int k = 0; k < width; k++) transposed[k][i] = flat[i * width + k];
        }
    }

    /** y[0, width) += h·Wr. */
    public void multiplyAdd(float[] h, float[] y) {
        RowMatrix.multiplyAdd(h, rows.length, rows, y, 0, rows[0].length);
    }

    /** y[0, n) = d·Wrᵀ. */
    public void multiplyTransposed(float[] d, float[] y) {
        java.util.Arrays.fill(y, 0, rows.length, 0f);
        RowMatrix.multiplyAdd(d, transposed.length, transposed, y, 0, rows.length);
    }
}
