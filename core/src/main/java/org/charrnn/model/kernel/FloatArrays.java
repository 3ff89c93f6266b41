package org.charrnn.model.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;

/** Moving floats between ND4J arrays and Java arrays without copies ND4J would make per call. */
public final class FloatArrays {
    private FloatArrays() {}

    /** Float elements one after another in C order (a vector in any order, a permuted view that is C order). */
    public static boolean isContiguousFloat(INDArray a) {
        return a.dataType() == DataType.FLOAT && isCContiguous(a);
    }

    /** Whether the array's elements lie in C order one after another (any data type; views included). */
    public static boolean isCContiguous(INDArray a) {
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) return false;
            expected *= a.size(d);
        }
        return true;
    }

    /**
     * An NCW [B, w, T] array as time-major [T, B, w]: a view when it already is a permuted time-major
     * buffer (what our layers pass each other in training), else a copy into {@code buffer}.
     */
    public static INDArray timeMajor(INDArray ncw, ReusableArray buffer) {
        INDArray tm = ncw.permute(2, 0, 1);
        if (isCContiguous(tm)) return tm;
        INDArray out = buffer.get(ncw.dataType(), tm.shape());
        if (!isContiguousFloat(ncw) || ncw.length() > Integer.MAX_VALUE) return out.assign(tm);
        // A plain NCW array (the network's input): reordered in Java, which costs less than ND4J's strided copy.
        int b = (int) ncw.size(0);
        int w = (int) ncw.size(1);
        int t = (int) ncw.size(2);
        float[] in = new float[b * w * t];
        float[] reordered = new float[in.length];
        buffer(ncw).get(0, in, 0, in.length);
        for (int s = 0; s < b; s++) {
            for (int c = 0; c < w; c++) {
                int from = (s * w + c) * t;
                for (int step = 0; step < t; step++) reordered[(step * b + s) * w + c] = in[from + step];
            }
        }
        buffer(out).put(0, reordered, 0, reordered.length);
        return out;
    }

    /** The array itself when it is contiguous C-order float, else such a copy. */
    public static INDArray contiguous(INDArray a) {
        return isContiguousFloat(a) ? a : a.castTo(DataType.FLOAT).dup('c');
    }

    /** A live view of an array's floats, positioned at index 0 of the array (not of its buffer). */
    public static FloatBuffer buffer(INDArray a) {
        if (!isContiguousFloat(a)) {
            throw new IllegalArgumentException("expected a contiguous float array, got " + a.shapeInfoToString());
        }
        return a.data().asNioFloat().position((int) a.offset()).slice();
    }

    /** A live view of an array's floats as bytes in native order, for a channel to read into or write from. */
    public static java.nio.ByteBuffer bytes(INDArray a) {
        if (!isContiguousFloat(a)) {
            throw new IllegalArgumentException("expected a contiguous float array, got " + a.shapeInfoToString());
        }
        java.nio.ByteBuffer all = a.data().asNio().order(java.nio.ByteOrder.nativeOrder());
        int from = (int) a.offset() * Float.BYTES;
        return all.position(from).limit(from + (int) a.length() * Float.BYTES).slice().order(java.nio.ByteOrder.nativeOrder());
    }

    /** Copies {@code len} floats of {@code a} (any layout, read in C order) into dst[off..]. */
    public static void read(INDArray a, float[] dst, int off, int len) {
        buffer(contiguous(a)).get(0, dst, off, len);
    }

    /** Writes len floats from src[off..] into a contiguous C-order float array (kernel outputs are). */
    public static void write(INDArray dst, float[] src, int off, int len) {
        buffer(dst).put(0, src, off, len);
    }

    /** Rows [from, from+count) of a C-order matrix: a contiguous view, usable as a GEMM output. */
    public static INDArray rows(INDArray m, long from, long count) {
        return m.get(NDArrayIndex.interval(from, from + count), NDArrayIndex.all());
    }

    /** A matrix as one Java array per row (see {@link RowMatrix}). */
    public static float[][] rowArrays(INDArray m) {
        float[] flat = m.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int cols = (int) m.size(1);
        float[][] rows = new float[(int) m.size(0)][];
        for (int j = 0; j < rows.length; j++) rows[j] = java.util.Arrays.copyOfRange(flat, j * cols, (j + 1) * cols);
        return rows;
    }

    /** A vector's values (any shape, C order) as floats. */
    public static float[] values(INDArray v) {
        return v.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }
}
