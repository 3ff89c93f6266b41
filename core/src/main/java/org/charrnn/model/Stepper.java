package org.charrnn.model;

import org.charrnn.model.kernel.FloatArrays;
import org.charrnn.model.layer.RecurrentParams;
import org.charrnn.model.layer.RecurrentLayer;
import org.charrnn.model.kernel.RowMatrix;
import org.charrnn.model.kernel.SamplingStep;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One character at a time through a trained network of our recurrent cells (any mix of LSTM, GRU
 * and vanilla RNN layers), in plain Java: each layer a {@link SamplingStep} holding copies of its
 * weights, every buffer allocated once, no ND4J call per step. Sampling is batch 1, where per-op
 * overhead, not arithmetic, dominates DL4J's rnnTimeStep. Inference only (no
 * dropout). Use {@link #supports} to check a graph first; tested against rnnTimeStep.
 * One instance per thread (it holds the recurrent state); {@link #fresh} gives another that shares
 * the weights.
 */
public final class Stepper {
    private final int vocabulary;
    private final List<SamplingStep> cells = new ArrayList<>();
    private final List<String> cellNames = new ArrayList<>();
    private final float[][] outW; // [n][V]: out[v] += h[j] * outW[j][v]
    private final float[] outB;
    private final float[] logits;
    private final float[] probabilities;

    /**
     * Below this many multiply-adds per layer step one core is quicker than two: handing half a
     * step to the helper thread and waiting for it costs more than the work it saves on a small layer.
     */
    static final int SPLIT_WORK = 1 << 20;
    /** The threshold this stepper splits at (SPLIT_WORK; a test's stepper that never splits, to compare). */
    private final long splitWork;
    private static ExecutorService helper;

    /** True for graphs of one-hot input → our recurrent layers → RnnOutputLayer (what GraphFactory builds by default). */
    public static boolean supports(ComputationGraph graph) {
        Layer[] layers = graph.getLayers();
        if (layers.length < 2 || !(layers[layers.length - 1] instanceof RnnOutputLayer)) return false;
        for (int i = 0; i < layers.length - 1; i++) if (!(layers[i] instanceof RecurrentLayer)) return false;
        return graph.getConfiguration().getTopologicalOrderStr().size() == layers.length + 1;
    }

    public Stepper(ComputationGraph graph) {
        this(graph, SPLIT_WORK);
    }

    /** A stepper that splits a layer step between two threads from {@code splitWork} multiply-adds on. */
    Stepper(ComputationGraph graph, long splitWork) {
        this.splitWork = splitWork;
        if (!supports(graph)) throw new IllegalArgumentException("not a stack of our recurrent layers with one-hot input");
        for (String name : graph.getConfiguration().getTopologicalOrderStr()) {
            Layer l = graph.getLayer(name);
            if (l instanceof RecurrentLayer f) {
                cells.add(f.cell().newSamplingStep(f.getParam(RecurrentParams.INPUT_WEIGHTS), f.getParam(RecurrentParams.RECURRENT_WEIGHTS),
                        f.biasAndGains()));
                cellNames.add(f.cell().cellName());
            }
        }
        Layer out = graph.getLayer(GraphFactory.OUTPUT);
        INDArray w = out.getParam("W");
        vocabulary = (int) w.size(1);
        outW = FloatArrays.rowArrays(w);
        outB = FloatArrays.values(out.getParam("b"));
        logits = new float[vocabulary];
        probabilities = new float[vocabulary];
        if (cells.get(0).inputs() != vocabulary) throw new IllegalArgumentException("input is not one-hot over the vocabulary");
    }

    /** Shares {@code weights}' read-only weight arrays; its own zero state and buffers. */
    private Stepper(Stepper weights) {
        splitWork = weights.splitWork;
        vocabulary = weights.vocabulary;
        for (SamplingStep c : weights.cells) cells.add(c.fresh());
        cellNames.addAll(weights.cellNames);
        outW = weights.outW;
        outB = weights.outB;
        logits = new float[vocabulary];
        probabilities = new float[vocabulary];
    }

    /** Another stepper over the same weights (no copy) with its own zero state: one per concurrent caller. */
    public Stepper fresh() {
        return new Stepper(this);
    }

    public void reset() {
        for (SamplingStep c : cells) c.reset();
    }

    /** A copy of every layer's recurrent state, for {@link #restoreState} (here or on a stepper over the same weights). */
    public float[][] saveState() {
        float[][] s = new float[cells.size()][];
        for (int i = 0; i < s.length; i++) s[i] = cells.get(i).saveState();
        return s;
    }

    /** Makes a state {@link #saveState} returned the current one. */
    public void restoreState(float[][] state) {
        for (int i = 0; i < state.length; i++) cells.get(i).restoreState(state[i]);
    }

    public int layers() {
        return cells.size();
    }

    public int units(int layer) {
        return cells.get(layer).units();
    }

    /** lstm, gru or rnn. */
    public String cellName(int layer) {
        return cellNames.get(layer);
    }

    /** What a neuron picture colours for a layer after the last step, in [-1, 1]: tanh(c) for an LSTM, h otherwise. */
    public float[] activation(int layer) {
        return cells.get(layer).activation();
    }

    /** Feeds one character; returns the next-character distribution (a buffer reused by the next call). */
    public float[] step(int index) {
        float[] x = null;
        for (SamplingStep cell : cells) {
            step(cell, index, x, splitWork);
            x = cell.hidden();
        }
        System.arraycopy(outB, 0, logits, 0, vocabulary);
        RowMatrix.multiplyAdd(x, x.length, outW, logits, 0, vocabulary);
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
    private static void step(SamplingStep cell, int index, float[] x, long splitWork) {
        ExecutorService h = cell.workPerStep() >= splitWork ? helper() : null;
        if (h == null) {
            cell.step(index, x, 0, cell.units());
            cell.finish();
        } else {
            int half = cell.units() / 2;
            Future<?> upper = h.submit(() -> cell.step(index, x, half, cell.units()));
            cell.step(index, x, 0, half);
            try {
                upper.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sampling", e);
            }
            cell.finish();
        }
        cell.advance();
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
}
