package org.charrnn.model.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The part of every cell that does not depend on the recurrence: the input projection X·Wx + b
 * over all T·B rows of a segment, and in the backward pass dWx = Xᵀ·dG and dX = dG·Wxᵀ, each one
 * GEMM. Characters — given as indices (x [R, 1] against Wx [V, width]) or recognised in one-hot
 * rows — are never multiplied: a character's projection is a row of (Wx + b), and dWx a sum of dG
 * rows per character.
 * Buffers are kept per shape. Not thread-safe: one per kernel.
 */
public final class InputProjection {
    /** C = op(A)·op(B): how the owning kernel multiplies (float32, or bf16 operands). */
    public interface Multiply {
        void apply(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c);
    }

    private final Multiply multiply;
    private int rows = -1;
    private int inputs = -1;
    private int width = -1;
    private int[] codes;          // [rows]: the character of each row, when the input is one-hot
    private float[][] table;      // [nIn][width]: Wx + b per character
    private float[][] tableGrad;  // [nIn][width]: dWx accumulated per character
    private float[] bias;         // [width]
    private float[] row;          // [width] scratch
    private float[] flat;         // [nIn·width] scratch: Wx as read
    private boolean oneHot;

    public InputProjection(Multiply multiply) {
        this.multiply = multiply;
    }

    /** A projection whose products are plain float32 ones. */
    public InputProjection() {
        this((a, ta, b, tb, c) -> Gemm.multiply(a, ta, Gemm.readable(b), tb, c, 1f, 0f));
    }

    /**
     * gates [R, width] = x·Wx + b, where b's first {@code width} values are the input-side bias (b
     * null: none) and x is [R, nIn] rows, or [R, 1] character indices when Wx has more than one row.
     */
    public void forward(INDArray x, INDArray wx, INDArray b, INDArray gates) {
        int r = (int) x.rows();
        int nIn = (int) wx.rows();
        int w = (int) gates.columns();
        ensure(r, nIn, w);
        FloatBuffer gatesBuf = FloatArrays.buffer(gates);
        if (b != null) FloatArrays.read(b, bias, 0, w);
        else Arrays.fill(bias, 0f);
        if (x.columns() == nIn) {
            oneHot = OneHotRows.codes(FloatArrays.buffer(x), r, nIn, codes);
        } else if (x.columns() == 1) {
            oneHot = true;
            readIndices(FloatArrays.buffer(x), r, nIn);
        } else {
            throw new IllegalArgumentException("input of width " + x.columns() + " for weights of " + nIn + " rows");
        }
        if (oneHot) {
            FloatArrays.read(wx, flat, 0, nIn * w);
            for (int v = 0; v < nIn; v++) {
                float[] t = table[v];
                System.arraycopy(flat, v * w, t, 0, w);
                for (int k = 0; k < w; k++) t[k] += bias[k];
            }
            for (int i = 0; i < r; i++) gatesBuf.put(i * w, table[codes[i]], 0, w);
        } else {
            multiply.apply(x, false, FloatArrays.contiguous(wx), false, gates);
            for (int i = 0; i < r; i++) {
                gatesBuf.get(i * w, row, 0, w);
                for (int k = 0; k < w; k++) row[k] += bias[k];
                gatesBuf.put(i * w, row, 0, w);
            }
        }
    }

    private void readIndices(FloatBuffer x, int r, int vocabulary) {
        for (int i = 0; i < r; i++) {
            float c = x.get(i);
            if (!(c >= 0 && c < vocabulary) || c != (int) c) {
                throw new IllegalArgumentException("input " + c + " is not a character index in [0, " + vocabulary + ")");
            }
            codes[i] = (int) c;
        }
    }

    /** dWx = xᵀ·dG for the x of the last forward, dG [R, width]. */
    public void weightGradient(INDArray x, INDArray dGates, INDArray dWx) {
        if (!oneHot) {
            multiply.apply(x, true, dGates, false, dWx);
            return;
        }
        int w = width;
        for (float[] t : tableGrad) Arrays.fill(t, 0f);
        FloatBuffer g = FloatArrays.buffer(dGates);
        for (int i = 0; i < rows; i++) {
            g.get(i * w, row, 0, w);
            float[] acc = tableGrad[codes[i]];
            for (int k = 0; k < w; k++) acc[k] += row[k];
        }
        FloatBuffer out = FloatArrays.buffer(dWx);
        for (int v = 0; v < inputs; v++) out.put(v * w, tableGrad[v], 0, w);
    }

    /** dx [R, nIn] = dG·Wxᵀ. */
    public void inputGradient(INDArray dGates, INDArray wx, INDArray dx) {
        multiply.apply(dGates, false, FloatArrays.contiguous(wx), true, dx);
    }

    private void ensure(int r, int nIn, int w) {
        if (r == rows && nIn == inputs && w == width) return;
        rows = r;
        inputs = nIn;
        width = w;
        codes = new int[r];
        table = new float[nIn][w];
        tableGrad = new float[nIn][w];
        bias = new float[w];
        row = new float[w];
        flat = new float[nIn * w];
    }
}
