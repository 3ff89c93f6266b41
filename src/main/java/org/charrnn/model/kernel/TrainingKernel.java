package org.charrnn.model.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the three float32 training kernels share: the segment's shape, the input projection, the
 * sequence of hidden states as one [(T+1)·B, n] matrix (block 0 = the carried h0, block t+1 = h_t)
 * with the views the GEMMs need, and buffers sized once per shape. A cell's kernel adds its gates.
 */
public abstract class TrainingKernel implements RecurrentKernel {
    protected int time = -1;
    protected int batch = -1;
    protected int inputs = -1;
    protected int units = -1;
    protected final InputProjection projection = new InputProjection();
    protected INDArray hidden;          // [(T+1)·B, n]
    protected INDArray[] hiddenRows;    // block t, t = 0..T: h_{t-1} for step t, a GEMM operand
    protected INDArray previousHidden;  // blocks 0..T-1: h_{t-1} of every step, for dWr = Hprevᵀ·dG
    protected INDArray outputHidden;    // blocks 1..T as [T, B, n]: the layer's output

    /** Sizes every buffer for this segment shape; nothing happens while the shape stays the same. */
    protected final void ensureBuffers(int t, int bs, int nIn, int n) {
        if (t == time && bs == batch && nIn == inputs && n == units) return;
        time = t;
        batch = bs;
        inputs = nIn;
        units = n;
        hidden = Nd4j.createUninitialized(DataType.FLOAT, (long) (t + 1) * bs, n);
        hiddenRows = stepRows(hidden, t + 1, bs);
        previousHidden = FloatArrays.rows(hidden, 0, (long) t * bs);
        outputHidden = FloatArrays.rows(hidden, bs, (long) t * bs).reshape('c', t, bs, n);
        allocate(t, bs, nIn, n);
    }

    /** The cell's own buffers for a new segment shape (the shape fields are already set). */
    protected abstract void allocate(int t, int bs, int nIn, int n);

    /** The backward pass differentiates the last forward: same segment shape. */
    protected final void requireLastSegment(INDArray x, INDArray dLdh) {
        if (x.size(0) != time || x.size(1) != batch || dLdh.size(2) != units) {
            throw new IllegalStateException("backward for a segment the last forward did not run");
        }
    }

    /** x as [T·B, nIn] rows (or [T·B, 1] character indices). */
    protected final INDArray inputRows(INDArray x) {
        return FloatArrays.contiguous(x).reshape('c', (long) x.size(0) * x.size(1), x.size(2));
    }

    /** The B-row block of each of {@code steps} steps of a [steps·B, w] matrix, as views created once. */
    protected static INDArray[] stepRows(INDArray m, int steps, int bs) {
        INDArray[] rows = new INDArray[steps];
        for (int s = 0; s < steps; s++) rows[s] = FloatArrays.rows(m, (long) s * bs, bs);
        return rows;
    }

    /** out[off + j] = Σ over the B streams r of rows[r·n + j]: a bias gradient from per-stream sums. */
    protected static void sumOverStreams(float[] rows, int bs, int n, float[] out, int off) {
        for (int j = 0; j < n; j++) {
            float sum = 0f;
            for (int r = 0; r < bs; r++) sum += rows[r * n + j];
            out[off + j] = sum;
        }
    }

    @Override
    public boolean acceptsIndices() {
        return true;
    }
}
