package org.charrnn.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

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

    /** One layer: z = x·Wx + h·Wr + b, gates i, f, g, o in blocks of n. */
    private static final class Cell {
        final int nIn;
        final int n;
        final float[][] wx; // [nIn][4n]
        final float[][] wr; // [n][4n]
        final float[] b;
        final float[] h;
        final float[] c;
        final float[] z;

        Cell(INDArray wx, INDArray wr, INDArray b) {
            nIn = (int) wx.size(0);
            n = (int) wr.size(0);
            this.wx = rows(wx);
            this.wr = rows(wr);
            this.b = b.castTo(DataType.FLOAT).dup('c').data().asFloat();
            h = new float[n];
            c = new float[n];
            z = new float[4 * n];
        }

        /** Input given as a one-hot index (first layer) or as the previous layer's h. */
        void step(int oneHot, float[] x) {
            int g4 = 4 * n;
            System.arraycopy(b, 0, z, 0, g4);
            if (x == null) {
                float[] row = wx[oneHot];
                for (int k = 0; k < g4; k++) z[k] += row[k];
            } else {
                matvec(x, nIn, wx, z, g4);
            }
            matvec(h, n, wr, z, g4);
            for (int j = 0; j < n; j++) {
                float i = sigmoid(z[j]);
                float f = sigmoid(z[n + j]);
                float g = tanh(z[2 * n + j]);
                float o = sigmoid(z[3 * n + j]);
                c[j] = f * c[j] + i * g;
                h[j] = o * tanh(c[j]);
            }
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
            cell.step(index, x);
            x = cell.h;
        }
        System.arraycopy(outB, 0, logits, 0, vocabulary);
        matvec(x, x.length, outW, logits, vocabulary);
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

    /**
     * y += v·W for W given as rows, four rows per pass (y is loaded and stored a quarter as often).
     * Rows are separate arrays because C2 (JDK 17) vectorises the inner loop only when every array in
     * it is indexed by the same expression: with W as one flat array (w[o + k]) the loop ran scalar,
     * 4–5× slower on [128, 512] and [512, 2048].
     */
    private static void matvec(float[] v, int rows, float[][] w, float[] y, int cols) {
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
            for (int k = 0; k < cols; k++) y[k] += a0 * w0[k] + a1 * w1[k] + a2 * w2[k] + a3 * w3[k];
        }
        for (; j < rows; j++) {
            float a = v[j];
            float[] wj = w[j];
            for (int k = 0; k < cols; k++) y[k] += a * wj[k];
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
