package org.charrnn.train;

import org.charrnn.config.ModelConfig;
import org.charrnn.config.RunConfig;
import org.charrnn.data.CharacterIterator;
import org.charrnn.data.Corpus;
import org.charrnn.data.Region;
import org.charrnn.data.StreamLayout;
import org.charrnn.model.GraphFactory;
import org.charrnn.model.MemoryEstimate;
import org.charrnn.model.TrainingStep;
import org.charrnn.model.layer.CarriedState;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.IntToDoubleFunction;
import java.util.function.IntToLongFunction;

/**
 * {@code model.size: auto}: the width and dropout that make a budget (train.max_time) buy what the
 * budgeted recipes in docs/quality-per-minute.md had at their best — about six characters of
 * training per parameter — on the machine the run starts on. The pace is measured, not assumed:
 * a few updates of the configured cell at two or three widths, timed, then a straight line of
 * seconds per character against parameters between them. Depth, cell, batch and segment stay as set.
 */
final class ModelSizer {
    /** Training characters per parameter of the best budgeted recipes (2×384 in 10 minutes, 2×512 in 30: about 6). */
    static final double CHARS_PER_PARAMETER = 6;
    /** Parameters per training character past which the measured recipes only overfitted (2×512 on tiny-shakespeare: 2.5). */
    static final double MAX_PARAMETERS_PER_CHAR = 2.5;
    /** Dropout per parameter-per-training-character: 0.1 at 2×256, 0.2 at 2×384, 0.4 at 2×512 on tiny-shakespeare. */
    static final double DROPOUT_PER_PARAMETERS_PER_CHAR = 0.16;
    static final double MAX_DROPOUT = 0.5;
    /** Widths are multiples of this (the kernels' vectors divide it). */
    static final int GRAIN = 32;
    /** What the budget loses to validations, metrics and checkpoints besides the updates themselves. */
    static final double OVERHEAD = 0.05;
    private static final int[] PROBES = {128, 512};

    /** What was chosen and the measurements behind it. */
    record Choice(int rnnSize, double dropout, long parameters, double charsPerSecond, double budgetChars,
                  long trainChars, double probeSeconds) {
        String describe(ModelConfig m, long budgetSeconds) {
            return String.format(Locale.ROOT, "model.size auto: %d × %d %s, dropout %.2f (%,d parameters): this machine trains it"
                            + " at about %,.0f chars/s, so the %s budget buys about %.1f M characters, %.1f per parameter"
                            + " (%.1f epochs of %,d training characters); measuring took %.1f s of the budget",
                    m.numLayers(), rnnSize, m.type(), dropout, parameters, charsPerSecond,
                    org.charrnn.config.Durations.format(budgetSeconds), budgetChars / 1e6, budgetChars / parameters,
                    budgetChars / trainChars, trainChars, probeSeconds);
        }
    }

    private ModelSizer() {}

    /** Measures this machine and chooses; {@code spentSeconds} of the budget are already gone. */
    static Choice choose(RunConfig config, Corpus corpus, long trainChars, double spentSeconds) {
        long t0 = System.nanoTime();
        int vocabulary = corpus.vocabulary().size();
        java.util.Map<Integer, MemoryEstimate> estimates = new java.util.HashMap<>();
        java.util.function.IntFunction<MemoryEstimate> estimate = w -> estimates.computeIfAbsent(w, x -> estimate(config, x, vocabulary));
        long available = (long) (MemoryEstimate.available() * 0.8); // as TrainingRun.requireFits judges
        Pace pace = new Pace(width -> measure(config, corpus, width));
        return choose(pace, w -> estimate.apply(w).parameters(), w -> estimate.apply(w).totalBytes() <= available,
                config.train().maxTimeSeconds() - spentSeconds, () -> (System.nanoTime() - t0) / 1e9, trainChars);
    }

    /**
     * The choice itself, from a pace that can be measured at any width: two probes give the line,
     * the width it picks is measured too, and the line through that and the nearer probe decides.
     */
    static Choice choose(Pace pace, IntToLongFunction parameters, java.util.function.IntPredicate fits, double budgetSeconds,
                         java.util.function.DoubleSupplier elapsed, long trainChars) {
        for (int w : PROBES) {
            while (w > GRAIN && !fits.test(w)) w /= 2;
            pace.at(w);
        }
        int width = widest(pace, parameters, fits, budgetSeconds - elapsed.getAsDouble(), trainChars);
        pace.at(width);
        width = widest(pace, parameters, fits, budgetSeconds - elapsed.getAsDouble(), trainChars);
        double left = (budgetSeconds - elapsed.getAsDouble()) * (1 - OVERHEAD);
        double perChar = pace.secondsPerChar(width, parameters);
        long p = parameters.applyAsLong(width);
        double dropout = Math.min(MAX_DROPOUT, Math.round(DROPOUT_PER_PARAMETERS_PER_CHAR * p / trainChars * 20) / 20.0);
        return new Choice(width, dropout, p, 1 / perChar, left / perChar, trainChars, elapsed.getAsDouble());
    }

    /**
     * The widest width (a multiple of GRAIN) whose budget buys CHARS_PER_PARAMETER characters a
     * parameter, that the text can feed (MAX_PARAMETERS_PER_CHAR) and that fits in memory; GRAIN at least.
     */
    static int widest(Pace pace, IntToLongFunction parameters, java.util.function.IntPredicate fits, double budgetSeconds,
                      long trainChars) {
        double left = budgetSeconds * (1 - OVERHEAD);
        int best = GRAIN;
        for (int w = GRAIN; w <= 65536 && fits.test(w); w += GRAIN) {
            long p = parameters.applyAsLong(w);
            double chars = left / pace.secondsPerChar(w, parameters);
            if (chars < CHARS_PER_PARAMETER * p || p > MAX_PARAMETERS_PER_CHAR * trainChars) break;
            best = w;
        }
        return best;
    }

    /**
     * Seconds per training character by width: measured where probed, and between or beyond the
     * probes on the straight line (against parameters) through the two nearest.
     */
    static final class Pace {
        private final IntToDoubleFunction measure;
        private final TreeMap<Integer, Double> measured = new TreeMap<>();

        Pace(IntToDoubleFunction secondsPerChar) {
            this.measure = secondsPerChar;
        }

        void at(int width) {
            measured.computeIfAbsent(width, measure::applyAsDouble);
        }

        double secondsPerChar(int width, IntToLongFunction parameters) {
            Double exact = measured.get(width);
            if (exact != null) return exact;
            List<Integer> near = new ArrayList<>(measured.keySet());
            near.sort((a, b) -> Integer.compare(Math.abs(a - width), Math.abs(b - width)));
            if (near.size() < 2) return measured.get(near.get(0)) * parameters.applyAsLong(width) / parameters.applyAsLong(near.get(0));
            int a = near.get(0);
            int b = near.get(1);
            double pa = parameters.applyAsLong(a);
            double pb = parameters.applyAsLong(b);
            double slope = (measured.get(b) - measured.get(a)) / (pb - pa);
            double line = measured.get(a) + slope * (parameters.applyAsLong(width) - pa);
            return Math.max(line, Math.min(measured.get(a), measured.get(b)) * 0.5); // never a pace no probe came near
        }
    }

    /** Seconds per character of a few timed updates at this width, after two untimed ones (the JIT, first allocations). */
    private static double measure(RunConfig config, Corpus corpus, int width) {
        ModelConfig m = config.model().resized(width, config.model().dropout());
        ComputationGraph graph = GraphFactory.build(m, config.train().optimization(), corpus.vocabulary().size());
        TrainingStep step = new TrainingStep(graph);
        CarriedState carried = CarriedState.of(graph);
        int batch = config.train().batchSize();
        int seq = config.train().seqLength();
        long length = Math.min(corpus.length(), (long) batch * seq * 4 + 1);
        StreamLayout layout = new StreamLayout(new Region(0, length), batch, seq, false);
        CharacterIterator it = new CharacterIterator(corpus, layout, GraphFactory.encoding(graph), graph.params().dataType());
        List<DataSet> batches = new ArrayList<>();
        while (it.hasNext()) batches.add(it.next());
        int next = 0;
        for (int i = 0; i < 2; i++) {
            step.fit(batches.get(next++ % batches.size()));
            carried.advance();
        }
        long t0 = System.nanoTime();
        int n = 0;
        long chars = 0;
        while (n < 3 || System.nanoTime() - t0 < 1_000_000_000L) {
            DataSet b = batches.get(next++ % batches.size());
            step.fit(b);
            carried.advance();
            chars += b.getFeatures().size(0) * b.getFeatures().size(2);
            n++;
        }
        return (System.nanoTime() - t0) / 1e9 / chars;
    }

    private static MemoryEstimate estimate(RunConfig config, int width, int vocabulary) {
        return MemoryEstimate.of(config.model().resized(width, config.model().dropout()), config.train().optimization(),
                config.train().batchSize(), config.train().seqLength(), vocabulary);
    }
}
