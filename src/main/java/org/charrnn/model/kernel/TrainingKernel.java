package org.charrnn.model.kernel;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What the three float32 training kernels share: the segment's shape, the input projection, the
 * sequence of hidden states as one [(T+1)·B, n] matrix (block 0 = the carried h0, block t+1 = h_t),
 * buffers sized once per shape, and the recurrence run by groups of streams at once
 * ({@link StreamParallel}): a cell's kernel writes the step loop of one group of streams
 * [{@link #firstStream}, {@link #endStream}), whose elements in every per-step [B·n] array are
 * [{@link #firstElement}, {@link #endElement}), and calls {@link #stepProduct} for its rows.
 */
public abstract class TrainingKernel implements RecurrentKernel {
    protected int time = -1;
    protected int batch = -1;
    protected int inputs = -1;
    protected int units = -1;
    protected final InputProjection projection = new InputProjection();
    protected INDArray hidden;          // [(T+1)·B, n]
    protected INDArray previousHidden;  // blocks 0..T-1: h_{t-1} of every step, for dWr = Hprevᵀ·dG
    protected INDArray outputHidden;    // blocks 1..T as [T, B, n]: the layer's output
    private INDArray recurrentTransposed; // Wrᵀ [G·n, n], for dh = dG·Wrᵀ as a product the engines run fast
    private float[] weightsRead;
    private float[] weightsTransposed;
    private int parts = 1;
    /** Each group's own pointers to the matrices of its products (a pointer's position is moved per call). */
    private final Map<Integer, Map<INDArray, FloatPointer>> pointers = new java.util.concurrent.ConcurrentHashMap<>();

    /** Sizes every buffer for this segment shape; nothing happens while the shape stays the same. */
    protected final void ensureBuffers(int t, int bs, int nIn, int n) {
        if (t == time && bs == batch && nIn == inputs && n == units) return;
        time = t;
        batch = bs;
        inputs = nIn;
        units = n;
        hidden = Nd4j.createUninitialized(DataType.FLOAT, (long) (t + 1) * bs, n);
        previousHidden = FloatArrays.rows(hidden, 0, (long) t * bs);
        outputHidden = FloatArrays.rows(hidden, bs, (long) t * bs).reshape('c', t, bs, n);
        recurrentTransposed = null;
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

    /** Runs {@code group.accept(p)} for each group of streams at once; returns when all are done. */
    protected final void forEachGroup(java.util.function.IntConsumer group) {
        parts = StreamParallel.parts(batch);
        pointers.clear(); // the matrices a pass multiplies may be new arrays (a weight view DL4J hands out anew)
        StreamParallel.run(parts, group);
    }

    /** The first stream of group {@code p}. */
    protected final int firstStream(int p) {
        return StreamParallel.first(p, parts, batch);
    }

    /** One past the last stream of group {@code p}. */
    protected final int endStream(int p) {
        return StreamParallel.first(p + 1, parts, batch);
    }

    /** Group {@code p}'s first element in a per-step [B·n] array (stream r, unit j at r·n + j). */
    protected final int firstElement(int p) {
        return firstStream(p) * units;
    }

    protected final int endElement(int p) {
        return endStream(p) * units;
    }

    /**
     * Group {@code p}'s rows of one step's product: C[cRow + i] = β·C[cRow + i] + A[aRow + i]·B for
     * i in [0, rows), with A, B and C whole C-order float matrices (B not transposed).
     */
    protected final void stepProduct(int p, INDArray a, long aRow, INDArray b, INDArray c, long cRow, int rows, float beta) {
        Map<INDArray, FloatPointer> mine = pointers.computeIfAbsent(p, k -> new IdentityHashMap<>());
        long k = a.columns();
        long n = b.columns();
        Gemm.multiply(mine.computeIfAbsent(a, Gemm::pointer), aRow * k, k, false, mine.computeIfAbsent(b, Gemm::pointer), 0, n, false,
                mine.computeIfAbsent(c, Gemm::pointer), cRow * c.columns(), c.columns(), rows, n, k, 1f, beta);
    }

    /** Wrᵀ as a C-order [G·n, n] matrix, refreshed from {@code wr} (the weights of this segment). */
    protected final INDArray recurrentTransposed(INDArray wr) {
        int rows = (int) wr.rows();
        int cols = (int) wr.columns();
        if (recurrentTransposed == null) {
            recurrentTransposed = Nd4j.createUninitialized(DataType.FLOAT, cols, rows);
            weightsRead = new float[rows * cols];
            weightsTransposed = new float[rows * cols];
        }
        FloatArrays.read(wr, weightsRead, 0, weightsRead.length);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) weightsTransposed[j * rows + i] = weightsRead[i * cols + j];
        }
        FloatArrays.write(recurrentTransposed, weightsTransposed, 0, weightsTransposed.length);
        return recurrentTransposed;
    }

    /** out[off + j] = Σ over the B streams r of rows[r·n + j]: a bias gradient from per-stream sums. */
    protected static void sumOverStreams(float[] rows, int bs, int n, float[] out, int off) {
        for (int j = 0; j < n; j++) {
            float sum = 0f;
            for (int r = 0; r < bs; r++) sum += rows[r * n + j];
            out[off + j] = sum;
        }
    }

    /**
     * h ← the hidden states of the segment. (Always a copy: the layer above may apply its dropout
     * mask to what it is handed in place, and this kernel's own states must stay unmasked for dWr.)
     */
    protected final void copyOutput(INDArray h) {
        h.assign(outputHidden);
    }

    @Override
    public boolean acceptsIndices() {
        return true;
    }
}
