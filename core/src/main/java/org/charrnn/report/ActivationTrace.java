package org.charrnn.report;

import org.charrnn.data.Vocabulary;
import org.charrnn.model.Stepper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs text through a trained network one character at a time and records what the blog pictures:
 * every neuron's activation after each character (an LSTM cell's tanh(c); a GRU's or RNN's hidden
 * unit h), and the model's five likeliest next characters.
 */
public final class ActivationTrace {
    /** One cell: its activation after every character, and how strongly it varies (standard deviation). */
    public record Cell(int layer, int index, float[] values, double spread) {}

    /** One of the top guesses for the next character. */
    public record Guess(int codePoint, float probability) {}

    private final int[] codePoints;
    private final List<Cell> cells;
    private final List<Guess[]> top5;

    private final String cellType;

    private ActivationTrace(int[] codePoints, List<Cell> cells, List<Guess[]> top5, String cellType) {
        this.codePoints = codePoints;
        this.cells = cells;
        this.top5 = top5;
        this.cellType = cellType;
    }

    /** Steps {@code stepper} (from zero state) through the characters {@code indices}. */
    public static ActivationTrace of(Stepper stepper, Vocabulary vocabulary, int[] indices) {
        stepper.reset();
        int t = indices.length;
        List<float[][]> values = new ArrayList<>(); // [layer][cell][time]
        for (int l = 0; l < stepper.layers(); l++) values.add(new float[stepper.units(l)][t]);
        List<Guess[]> top = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            float[] p = stepper.step(indices[i]);
            for (int l = 0; l < stepper.layers(); l++) {
                float[] a = stepper.activation(l);
                for (int j = 0; j < a.length; j++) values.get(l)[j][i] = a[j];
            }
            top.add(topK(p, vocabulary, 5));
        }
        List<Cell> cells = new ArrayList<>();
        for (int l = 0; l < values.size(); l++) {
            for (int j = 0; j < values.get(l).length; j++) {
                float[] v = values.get(l)[j];
                cells.add(new Cell(l, j, v, spread(v)));
            }
        }
        int[] cps = new int[t];
        for (int i = 0; i < t; i++) cps[i] = vocabulary.codePoint(indices[i]);
        return new ActivationTrace(cps, cells, top, stepper.cellName(0));
    }

    /** lstm, gru or rnn: the network's (first layer's) cell. */
    public String cellType() {
        return cellType;
    }

    /** What the values are: "tanh(c)" for an LSTM's cells, "h" for the hidden units of the others. */
    public String quantity() {
        return cellType.equals("lstm") ? "tanh(c)" : "h";
    }

    public int[] codePoints() {
        return codePoints;
    }

    public List<Guess[]> top5() {
        return top5;
    }

    public Cell cell(int layer, int index) {
        return cells.stream().filter(c -> c.layer() == layer && c.index() == index).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no cell " + index + " in layer " + layer));
    }

    /** The {@code n} cells whose activation varies most over the text. */
    public List<Cell> mostVarying(int n) {
        return cells.stream().sorted(Comparator.comparingDouble(Cell::spread).reversed()).limit(n).toList();
    }

    private static double spread(float[] v) {
        double mean = 0;
        for (float x : v) mean += x;
        mean /= v.length;
        double var = 0;
        for (float x : v) var += (x - mean) * (x - mean);
        return Math.sqrt(var / v.length);
    }

    private static Guess[] topK(float[] p, Vocabulary v, int k) {
        Integer[] idx = new Integer[p.length];
        for (int i = 0; i < p.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Float.compare(p[b], p[a]));
        Guess[] g = new Guess[Math.min(k, p.length)];
        for (int i = 0; i < g.length; i++) g[i] = new Guess(v.codePoint(idx[i]), p[idx[i]]);
        return g;
    }
}
