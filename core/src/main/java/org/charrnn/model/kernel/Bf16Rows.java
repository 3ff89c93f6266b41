package org.charrnn.model.kernel;

import org.bytedeco.javacpp.ShortPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ShortBuffer;

/**
 * A row-major bfloat16 copy of a float32 matrix, for products that read bf16 operands: written
 * row by row as the float rows are (each group of streams its own rows), or whole. Rounded to the
 * nearest even, as oneDNN's own conversion does; a NaN stays a NaN.
 */
final class Bf16Rows {
    final long rows;
    final long cols;
    private final ShortPointer data;
    private final ShortBuffer view;

    Bf16Rows(long rows, long cols) {
        this.rows = rows;
        this.cols = cols;
        data = new ShortPointer(rows * cols);
        view = data.asBuffer();
    }

    /** Elements [offset, offset + len) (row-major) ← src[from, from + len), converted. */
    void put(long offset, float[] src, int from, int len, short[] scratch) {
        for (int i = 0; i < len; i++) scratch[i] = bf16(src[from + i]);
        view.put((int) offset, scratch, 0, len);
    }

    /** The whole matrix ← a C-order float matrix of the same shape. */
    void putAll(INDArray m, float[] floats, short[] scratch) {
        int n = (int) (rows * cols);
        FloatArrays.read(m, floats, 0, n);
        for (int i = 0; i < n; i++) scratch[i] = bf16(floats[i]);
        view.put(0, scratch, 0, n);
    }

    /** The whole matrix ← the transpose of a C-order float matrix [cols, rows]. */
    void putTransposed(INDArray m, float[] floats, short[] scratch) {
        int r = (int) rows;
        int c = (int) cols;
        FloatArrays.read(m, floats, 0, r * c);
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < r; j++) scratch[j * c + i] = bf16(floats[i * r + j]);
        }
        view.put(0, scratch, 0, r * c);
    }

    /** A pointer to element {@code offset} (row-major). */
    ShortPointer at(long offset) {
        return new ShortPointer(data).position(offset);
    }

    static short bf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) return (short) ((bits >>> 16) | 0x40); // a NaN stays quiet
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}
