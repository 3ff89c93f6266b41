package org.charrnn.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One character at a time through a trained network of our {@link FusedLstm} layers, in plain Java:
 * weights copied out once, every buffer allocated once, no ND4J call per step. Sampling is batch 1,
 * where per-op overhead, not arithmetic, dominates DL4J's rnnTimeStep (~1 ms per character).
 * Inference only (no dropout). Use {@link #supports} to check a graph first; tested against rnnTimeStep.
 */
public final class LstmStepper {
    private final int vocabulary;
    private final List<Cell> cells = new ArrayList<>();
    private final float[][] outW; // [n][V]: out[v] += h[j] * outW[j][v]
    private final float[] outB;
    private final float[] logits;
    private final float[] probabilities;

    /**
     * Below this many multiply-adds per layer step one core is quicker than two: handing half a
     * step to the helper thread and waiting for it costs ~10–20 µs. 3×512 does ~2 M per layer step.
     */
    static final int SPLIT_WORK = 1 << 20;
    /** The threshold in force (a test raises it to compare split and unsplit steps). */
    static long splitWork = SPLIT_WORK;
    private static ExecutorService helper;

    /** One layer: z = x·Wx + h·Wr + b, gates i, f, g, o in blocks of n. */
    private static final class Cell {
        final int nIn;
        final int n;
        final float[][] wx; // [nIn][4n]
        final float[][] wr; // [n][4n]
        final float[] b;
        float[] h;          // h after the last step
        float[] hNext;      // written by a step while h is still being read; then the two swap
        final float[] c;
        final float[] z;

        Cell(INDArray wx, INDArray wr, INDArray b) {
            nIn = (int) wx.size(0);
            n = (int) wr.size(0);
            this.wx = rows(wx);
            this.wr = rows(wr);
            this.b = b.castTo(DataType.FLOAT).dup('c').data().asFloat();
            h = new float[n];
            hNext = new float[n];
            c = new float[n];
            z = new float[4 * n];
        }

        boolean worthSplitting() {
            return (long) (nIn + n) * 4 * n >= splitWork;
        }

        /**
         * Units [j0, j1) of one step: their four gate columns of z, then their c and h. Two halves
         * touch disjoint parts of z, c and hNext, so they can run at once; the arithmetic of every
         * element is the same whichever way the step is split.
         */
        void step(int oneHot, float[] x, int j0, int j1) {
            for (int q = 0; q < 4; q++) {
                int lo = q * n + j0;
                int hi = q * n + j1;
                System.arraycopy(b, lo, z, lo, hi - lo);
                if (x == null) {
                    float[] row = wx[oneHot];
                    for (int k = lo; k < hi; k++) z[k] += row[k];
                } else {
                    matvec(x, nIn, wx, z, lo, hi);
                }
                matvec(h, n, wr, z, lo, hi);
            }
            for (int j = j0; j < j1; j++) {
                float i = sigmoid(z[j]);
                float f = sigmoid(z[n + j]);
                float g = tanh(z[2 * n + j]);
                float o = sigmoid(z[3 * n + j]);
                c[j] = f * c[j] + i * g;
                hNext[j] = o * tanh(c[j]);
            }
        }

        void swap() {
            float[] t = h;
            h = hNext;
            hNext = t;
        }

        void reset() {
            java.util.Arrays.fill(h, 0f);
            java.util.Arrays.fill(c, 0f);
        }
    }

    /** True for graphs of one-hot input → FusedLstm layers → RnnOutputLayer (what GraphFactory builds by default). */
    public static boolean supports(ComputationGraph graph) {
        Layer[] layers = graph.getLayers();
        if (layers.length < 2 || !(layers[layers.length - 1] instanceof RnnOutputLayer)) return false;
        for (int i = 0; i < layers.length - 1; i++) if (!(layers[i] instanceof FusedLstmLayer)) return false;
        return graph.getConfiguration().getTopologicalOrderStr().size() == layers.length + 1;
    }

    public LstmStepper(ComputationGraph graph) {
        if (!supports(graph)) throw new IllegalArgumentException("not a stack of FusedLstm layers with one-hot input");
        for (String name : graph.getConfiguration().getTopologicalOrderStr()) {
            Layer l = graph.getLayer(name);
            if (l instanceof FusedLstmLayer f) {
                cells.add(new Cell(f.getParam(FusedLstmParams.INPUT_WEIGHTS), f.getParam(FusedLstmParams.RECURRENT_WEIGHTS),
                        f.getParam(FusedLstmParams.BIAS)));
            }
        }
        Layer out = graph.getLayer(GraphFactory.OUTPUT);
        INDArray w = out.getParam("W");
        vocabulary = (int) w.size(1);
        outW = rows(w);
        outB = out.getParam("b").castTo(DataType.FLOAT).dup('c').data().asFloat();
        logits = new float[vocabulary];
        probabilities = new float[vocabulary];
        if (cells.get(0).nIn != vocabulary) throw new IllegalArgumentException("input is not one-hot over the vocabulary");
    }

    public void reset() {
        for (Cell c : cells) c.reset();
    }

    public int layers() {
        return cells.size();
    }

    public int units(int layer) {
        return cells.get(layer).n;
    }

    /** The cell state c of a layer after the last step (live buffer: copy what you keep). */
    public float[] cellState(int layer) {
        return cells.get(layer).c;
    }

    /** Feeds one character; returns the next-character distribution (a buffer reused by the next call). */
    public float[] step(int index) {
        float[] x = null;
        for (Cell cell : cells) {
            step(cell, index, x);
            x = cell.h;
        }
        System.arraycopy(outB, 0, logits, 0, vocabulary);
        matvec(x, x.length, outW, logits, 0, vocabulary);
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        float sum = 0;
        for (int v = 0; v < vocabulary; v++) {
            probabilities[v] = (float) Math.exp(logits[v] - max);
            sum += probabilities[v];
        }
        for (int v = 0; v < vocabulary; v++) probabilities[v] /= sum;
        return probabilities;
    }

    /** One layer step; a big layer's units are split between this thread and a helper. */
    private static void step(Cell cell, int index, float[] x) {
        ExecutorService h = cell.worthSplitting() ? helper() : null;
        if (h == null) {
            cell.step(index, x, 0, cell.n);
        } else {
            int half = cell.n / 2;
            Future<?> upper = h.submit(() -> cell.step(index, x, half, cell.n));
            cell.step(index, x, 0, half);
            try {
                upper.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sampling", e);
            }
        }
        cell.swap();
    }

    /** The helper thread for split steps, or null on a single core. */
    private static synchronized ExecutorService helper() {
        if (helper == null && Runtime.getRuntime().availableProcessors() > 1) {
            helper = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "charrnn-sampler-helper");
                t.setDaemon(true);
                return t;
            });
        }
        return helper;
    }

    /**
     * y[lo, hi) += (v·W)[lo, hi) for W given as rows, four rows per pass (y is loaded and stored a quarter as often).
     * Rows are separate arrays because C2 (JDK 17) vectorises the inner loop only when every array in
     * it is indexed by the same expression: with W as one flat array (w[o + k]) the loop ran scalar,
     * 4–5× slower on [128, 512] and [512, 2048].
     */
    private static void matvec(float[] v, int rows, float[][] w, float[] y, int lo, int hi) {
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

    /** The training kernel's own activations, so a sampled step computes what training computed. */
    private static float tanh(float x) {
        return FloatActivations.tanh(x);
    }

    private static float sigmoid(float x) {
        return FloatActivations.sigmoid(x);
    }

    private static float[][] rows(INDArray m) {
        float[] flat = m.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int cols = (int) m.size(1);
        float[][] rows = new float[(int) m.size(0)][];
        for (int j = 0; j < rows.length; j++) rows[j] = java.util.Arrays.copyOfRange(flat, j * cols, (j + 1) * cols);
        return rows;
    }

}
