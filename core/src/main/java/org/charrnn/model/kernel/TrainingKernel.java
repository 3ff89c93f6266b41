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
    /** True when products read bfloat16 copies of their operands (float32 results and everything else). */
    private final boolean bf16;
    /** A pass in float32 products on a bf16 kernel (validation scores in float32): see {@link #float32Pass}. */
    private boolean float32;
    protected int time = -1;
    protected int batch = -1;
    protected int inputs = -1;
    protected int units = -1;
    protected final InputProjection projection = new InputProjection(this::product);
    protected INDArray hidden;          // [(T+1)·B, n]
    protected INDArray previousHidden;  // blocks 0..T-1: h_{t-1} of every step, for dWr = Hprevᵀ·dG
    protected INDArray outputHidden;    // blocks 1..T as [T, B, n]: the layer's output
    private INDArray recurrentTransposed; // Wrᵀ [G·n, n], for dh = dG·Wrᵀ as a product the engines run fast
    private float[] weightsRead;
    private float[] weightsTransposed;
    private int parts = 1;
    /** Each group's own pointers to the matrices of its products (a pointer's position is moved per call). */
    private final Map<Integer, Map<INDArray, FloatPointer>> pointers = new java.util.concurrent.ConcurrentHashMap<>();
    /** bf16 only: copies of our own float buffers (kept current as rows are written) and of this pass's weights and input. */
    private final Map<INDArray, Bf16Rows> mirrors = new IdentityHashMap<>();
    private final Map<INDArray, Bf16Rows> passCopies = new IdentityHashMap<>();
    private final Map<INDArray, Bf16Rows> passTransposed = new IdentityHashMap<>();
    /** bf16 only: each group's (and the calling thread's, key -1) matmul primitives by shape, and conversion scratch. */
    private final Map<Integer, Map<String, Bf16Matmul>> matmuls = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Integer, short[]> shortScratch = new java.util.concurrent.ConcurrentHashMap<>();
    private float[] floatScratch = new float[0];
    private short[] wholeScratch = new short[0];
    private INDArray lastInput;
    private INDArray lastInputRows;
    private Bf16Rows inputCopy; // bf16: the input rows, converted once per new input
    /**
     * bf16 only: copies no longer in use, by shape, for the next pass to fill. Allocating them anew
     * each pass left their native memory to the garbage collector, which the small Java heap rarely
     * runs: the process grew to JavaCPP's whole off-heap limit.
     */
    private final Map<Long, java.util.ArrayDeque<Bf16Rows>> spare = new java.util.HashMap<>();

    protected TrainingKernel() {
        this(false);
    }

    /** A kernel whose products read bfloat16 copies of their operands ({@code model.precision: bf16}). */
    protected TrainingKernel(boolean bf16) {
        this.bf16 = bf16;
    }

    /**
     * Runs the passes that follow with float32 products (true) or with the kernel's own precision
     * (false): a validation runs on the training kernel's buffers between updates, scored in float32
     * whatever the training's precision. The bf16 copies of our own buffers are not kept current in a
     * float32 pass; the next training forward writes every row before a product reads it.
     */
    public final void float32Pass(boolean on) {
        float32 = on;
    }

    /** Whether this pass's products read bf16 copies. */
    private boolean lowPrecision() {
        return bf16 && !float32;
    }

    /** Whether the buffers are sized for segments of {@code t} steps of {@code bs} streams (a pass of that shape reuses them). */
    public final boolean isSizedFor(long t, long bs) {
        return t == time && bs == batch;
    }

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
        mirrors.clear();
        matmuls.clear();
        allocate(t, bs, nIn, n);
        if (bf16) {
            Bf16Rows h = mirror(hidden);
            mirrors.put(previousHidden, h); // rows 0..T·B−1 of the same copy
        }
    }

    /** bf16: a copy of one of our own float matrices, kept current by {@link #putRow}; f32: nothing. */
    protected final Bf16Rows mirror(INDArray own) {
        if (!bf16) return null;
        Bf16Rows m = new Bf16Rows(own.rows(), own.columns());
        mirrors.put(own, m);
        return m;
    }

    /** The cell's own buffers for a new segment shape (the shape fields are already set). */
    protected abstract void allocate(int t, int bs, int nIn, int n);

    /** The backward pass differentiates the last forward: same segment shape. */
    protected final void requireLastSegment(INDArray x, INDArray dLdh) {
        if (x.size(0) != time || x.size(1) != batch || dLdh.size(2) != units) {
            throw new IllegalStateException("backward for a segment the last forward did not run");
        }
    }

    /** x as [T·B, nIn] rows (or [T·B, 1] character indices); the same view for the same x (forward, then backward). */
    protected final INDArray inputRows(INDArray x) {
        if (x != lastInput) {
            lastInput = x;
            lastInputRows = FloatArrays.contiguous(x).reshape('c', (long) x.size(0) * x.size(1), x.size(2));
            if (inputCopy != null) recycle(inputCopy);
            inputCopy = null;
        }
        return lastInputRows;
    }

    /**
     * Starts a forward or backward pass over these weights (and the layer's input): with bf16
     * products, converts them once for the pass; with float32, nothing.
     */
    protected final void beginPass(INDArray... operands) {
        passCopies.values().forEach(this::recycle);
        passTransposed.values().forEach(this::recycle);
        passCopies.clear();
        passTransposed.clear();
        if (!lowPrecision()) return;
        for (INDArray m : operands) if (m != null && m.columns() > 1) passCopies.put(m, converted(m, false));
    }

    /** Block 0 of the hidden states (what step 0 multiplies by Wr): the carried h0. */
    protected final void setInitialHidden(INDArray h0) {
        FloatArrays.rows(hidden, 0, batch).assign(h0);
        if (lowPrecision()) {
            int m = batch * units;
            if (floatScratch.length < m) floatScratch = new float[m];
            FloatArrays.read(h0, floatScratch, 0, m);
            mirrors.get(hidden).put(0, floatScratch, 0, m, scratch(-1, m));
        }
    }

    /**
     * Writes {@code len} floats of {@code src} from {@code from} into {@code target} (one of our own
     * C-order buffers) at element {@code offset}, through {@code view} (that buffer's floats, the
     * calling group's own view); with bf16 products also into its bf16 copy.
     */
    protected final void putRow(int p, java.nio.FloatBuffer view, INDArray target, long offset, float[] src, int from, int len) {
        view.put((int) offset, src, from, len);
        if (lowPrecision()) mirrors.get(target).put(offset, src, from, len, scratch(p, len));
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
        FloatPointer cp = mine.computeIfAbsent(c, Gemm::pointer);
        if (lowPrecision()) {
            matmul(p, rows, k, n, k, false, n, c.columns(), beta != 0).run(mirrors.get(a).at(aRow * k), passCopies.get(b).at(0),
                    new FloatPointer(cp).position(cRow * c.columns()));
            return;
        }
        Gemm.multiply(mine.computeIfAbsent(a, Gemm::pointer), aRow * k, k, false, mine.computeIfAbsent(b, Gemm::pointer), 0, n, false,
                cp, cRow * c.columns(), c.columns(), rows, n, k, 1f, beta);
    }

    /**
     * A product over the whole segment on the calling thread, C = op(A)·op(B), every operand one of
     * our own buffers (or a view of its first rows), this pass's input rows, or this pass's weights.
     */
    protected final void product(INDArray a, boolean ta, INDArray b, boolean tb, INDArray c) {
        if (!lowPrecision()) {
            Gemm.multiply(a, ta, b, tb, c, 1f, 0f);
            return;
        }
        Bf16Rows am = operand(a, ta);
        Bf16Rows bm = operand(b, tb);
        long m = ta ? a.columns() : a.rows();
        long k = ta ? a.rows() : a.columns();
        long n = tb ? b.rows() : b.columns();
        // A transposed is read in place (its row length is A's width); B transposed is a transposed copy.
        matmul(-1, m, k, n, a.columns(), ta, n, c.columns(), false).run(am.at(0), bm.at(0), Gemm.pointer(Gemm.readable(c)));
    }

    /** The bf16 operand for a matrix: a copy of our own, this pass's (transposed when asked), or the input converted now. */
    private Bf16Rows operand(INDArray m, boolean transposed) {
        if (m == lastInputRows) {
            if (inputCopy == null) inputCopy = converted(m, false);
            return inputCopy; // read in place, transposed or not
        }
        Bf16Rows own = mirrors.get(m);
        if (own != null) return own;
        return transposed ? passTransposed.computeIfAbsent(m, x -> converted(x, true))
                : passCopies.computeIfAbsent(m, x -> converted(x, false));
    }

    private Bf16Rows converted(INDArray m, boolean transposed) {
        int n = (int) m.length();
        if (floatScratch.length < n) floatScratch = new float[n];
        if (wholeScratch.length < n) wholeScratch = new short[n];
        if (!FloatArrays.isContiguousFloat(m) && m.rank() == 2 && FloatArrays.isContiguousFloat(m.transpose())) {
            // A transposed view (Wrᵀ of the backward pass): converted from the matrix it views, not from a float copy of it.
            INDArray viewed = m.transpose();
            Bf16Rows r = transposed ? spareOrNew(m.columns(), m.rows()) : spareOrNew(m.rows(), m.columns());
            if (transposed) r.putAll(viewed, floatScratch, wholeScratch);
            else r.putTransposed(viewed, floatScratch, wholeScratch);
            return r;
        }
        INDArray c = FloatArrays.contiguous(m);
        if (!transposed) {
            Bf16Rows r = spareOrNew(m.rows(), m.columns());
            r.putAll(c, floatScratch, wholeScratch);
            return r;
        }
        Bf16Rows r = spareOrNew(m.columns(), m.rows());
        r.putTransposed(c, floatScratch, wholeScratch);
        return r;
    }

    private synchronized Bf16Rows spareOrNew(long rows, long cols) {
        java.util.ArrayDeque<Bf16Rows> q = spare.get(rows << 32 | cols);
        Bf16Rows r = q == null ? null : q.poll();
        return r != null ? r : new Bf16Rows(rows, cols);
    }

    private synchronized void recycle(Bf16Rows r) {
        spare.computeIfAbsent(r.rows << 32 | r.cols, k -> new java.util.ArrayDeque<>()).add(r);
    }

    private Bf16Matmul matmul(int p, long m, long k, long n, long lda, boolean ta, long ldb, long ldc, boolean accumulate) {
        String key = m + " " + k + " " + n + " " + lda + " " + ta + " " + ldb + " " + ldc + " " + accumulate;
        return matmuls.computeIfAbsent(p, x -> new java.util.HashMap<>())
                .computeIfAbsent(key, x -> new Bf16Matmul(m, k, n, lda, ta, ldb, ldc, accumulate));
    }

    private short[] scratch(int p, int len) {
        short[] s = shortScratch.get(p);
        if (s == null || s.length < len) {
            s = new short[Math.max(len, units * 4)];
            shortScratch.put(p, s);
        }
        return s;
    }

    /** Wrᵀ as a C-order [G·n, n] matrix, refreshed from {@code wr} (the weights of this segment). */
    protected final INDArray recurrentTransposed(INDArray wr) {
        if (lowPrecision()) return wr.transpose(); // the pass converts it transposed (beginPass), no float copy needed
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
