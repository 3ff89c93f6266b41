package org.charrnn.model.kernel;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * C = α·op(A)·op(B) + β·C for contiguous C-order float matrices, by calling cblas_sgemm in the
 * OpenBLAS that ND4J's CPU backend itself uses (one shared libopenblas, same thread setting).
 * Nd4j.gemm builds and validates an op around the same call: on the LSTM's per-step
 * [50,128]×[128,512] product that wrapping cost ~20 µs of ~110. CPU backend only.
 */
public final class Sgemm {
    private Sgemm() {}

    public static void gemm(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c, float alpha, float beta) {
        // Column-major operands (DL4J keeps dense weights 'f'-ordered) are row-major transposes.
        if (isColumnMajor(c)) {
            gemm(b, !transposeB, a, !transposeA, c.transpose(), alpha, beta); // Cᵀ = op(B)ᵀ·op(A)ᵀ
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
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                (int) m, (int) n, (int) k, alpha, pointer(a), leadingDimension(a), pointer(b), leadingDimension(b),
                beta, pointer(c), leadingDimension(c));
    }

    /** An operand as cblas can read it: the matrix itself when it is row- or column-major float, else a row-major copy. */
    public static INDArray readable(INDArray m) {
        boolean float32 = m.dataType() == DataType.FLOAT && m.rank() == 2;
        return float32 && (FloatArrays.isCContiguous(m) || isColumnMajor(m)) ? m : FloatArrays.contiguous(m);
    }

    private static boolean isColumnMajor(INDArray m) {
        return m.rank() == 2 && m.rows() > 1 && m.columns() > 1 && m.stride(0) == 1 && m.stride(1) >= m.rows();
    }

    /** Row-major layout: unit stride along a row, rows one leading dimension apart (ND4J may call a single row 'f'). */
    private static int leadingDimension(INDArray matrix) {
        boolean unitColumns = matrix.columns() == 1 || matrix.stride(1) == 1;
        boolean rowsApart = matrix.rows() == 1 || matrix.stride(0) >= matrix.columns();
        if (matrix.rank() != 2 || matrix.dataType() != DataType.FLOAT || !unitColumns || !rowsApart) {
            throw new IllegalArgumentException("sgemm needs a row-major float matrix, got " + matrix.shapeInfoToString());
        }
        return (int) (matrix.rows() == 1 ? matrix.columns() : matrix.stride(0));
    }

    /** A view's data buffer already starts at the view (its address includes the buffer's offset). */
    private static FloatPointer pointer(INDArray matrix) {
        return new FloatPointer(matrix.data().addressPointer()).position(matrix.offset() - matrix.data().offset());
    }
}
