package org.charrnn.model.kernel;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * C = α·op(A)·op(B) + β·C for float matrices, on the {@link GemmEngine} in force, without the op
 * that Nd4j.gemm builds and validates around the same call (a cost the size of a small product).
 * Operands may be C-order or, as DL4J keeps dense weights, column-major (a row-major transpose).
 * CPU backend only.
 */
public final class Gemm {
    private Gemm() {}

    public static void multiply(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c, float alpha, float beta) {
        if (isColumnMajor(c)) {
            multiply(b, !transposeB, a, !transposeA, c.transpose(), alpha, beta); // Cᵀ = op(B)ᵀ·op(A)ᵀ
            return;
        }
        if (isColumnMajor(a)) {
            a = a.transpose();
            transposeA = !transposeA;
        }
        if (isColumnMajor(b)) {
            b = b.transpose();
            transposeB = !transposeB;
        }
        long m = transposeA ? a.columns() : a.rows();
        long k = transposeA ? a.rows() : a.columns();
        long n = transposeB ? b.rows() : b.columns();
        if ((transposeB ? b.columns() : b.rows()) != k || c.rows() != m || c.columns() != n) {
            throw new IllegalArgumentException("sgemm shapes " + java.util.Arrays.toString(a.shape()) + (transposeA ? "ᵀ" : "")
                    + " × " + java.util.Arrays.toString(b.shape()) + (transposeB ? "ᵀ" : "") + " → " + java.util.Arrays.toString(c.shape()));
        }
        GemmEngine.current().sgemm(transposeA, transposeB, m, n, k, alpha, pointer(a), leadingDimension(a), pointer(b),
                leadingDimension(b), beta, pointer(c), leadingDimension(c));
    }

    /**
     * The same product on raw row-major matrices (offsets in floats from each pointer's start), for
     * the per-step products of a recurrence, which must not create ND4J views on every call.
     */
    public static void multiply(FloatPointer a, long aOffset, long lda, boolean transposeA, FloatPointer b, long bOffset, long ldb,
                                boolean transposeB, FloatPointer c, long cOffset, long ldc, long m, long n, long k, float alpha, float beta) {
        GemmEngine.current().sgemm(transposeA, transposeB, m, n, k, alpha, a.position(aOffset), lda, b.position(bOffset), ldb, beta,
                c.position(cOffset), ldc);
    }

    /** An operand as the engine can read it: the matrix itself when it is row- or column-major float, else a row-major copy. */
    public static INDArray readable(INDArray m) {
        boolean float32 = m.dataType() == DataType.FLOAT && m.rank() == 2;
        return float32 && (FloatArrays.isCContiguous(m) || isColumnMajor(m)) ? m : FloatArrays.contiguous(m);
    }

    /** A pointer to a C-order float array's first element (a view's data buffer already starts at the view). */
    public static FloatPointer pointer(INDArray matrix) {
        return new FloatPointer(matrix.data().addressPointer()).position(matrix.offset() - matrix.data().offset());
    }

    private static boolean isColumnMajor(INDArray m) {
        return m.rank() == 2 && m.rows() > 1 && m.columns() > 1 && m.stride(0) == 1 && m.stride(1) >= m.rows();
    }

    /** Row-major layout: unit stride along a row, rows one leading dimension apart (ND4J may call a single row 'f'). */
    private static long leadingDimension(INDArray matrix) {
        boolean unitColumns = matrix.columns() == 1 || matrix.stride(1) == 1;
        boolean rowsApart = matrix.rows() == 1 || matrix.stride(0) >= matrix.columns();
        if (matrix.rank() != 2 || matrix.dataType() != DataType.FLOAT || !unitColumns || !rowsApart) {
            throw new IllegalArgumentException("sgemm needs a row-major float matrix, got " + matrix.shapeInfoToString());
        }
        return matrix.rows() == 1 ? matrix.columns() : matrix.stride(0);
    }
}
