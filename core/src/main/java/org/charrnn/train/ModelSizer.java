package org.charrnn.train;

import org.charrnn.config.ModelConfig;
import org.charrnn.config.RunConfig;
import org.charrnn.data.Corpus;
import org.charrnn.model.GraphFactory;
import org.charrnn.model.MemoryEstimate;
import org.charrnn.model.RepeatedUpdates;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.IntToDoubleFunction;
import java.util.function.IntToLongFunction;

/**
 * {@code model.size: auto}: the widest model a budget (train.max_time) can train well on the machine
 * the run starts on. Well means what the recipe search (docs/quality-per-minute.md) found: on a
 * small text, about eight epochs (the best 10-minute models on tiny-shakespeare saw 8–9 at one core
 * and at two; 6.4 epochs of a wider model and 16 of a narrower one both ended worse), six for a
 * layer-normalised GRU and four for a layer-normalised LSTM, which learn more per update and overfit
 * sooner; on a text too
 * large for that, 20 characters a parameter (the compute-optimal ratio of the scaling-law
 * literature; our budgets never reached it on tiny-shakespeare). The pace is measured, not
 * assumed, and it is the run's, not the update's: at each width timed, the updates until their pace
 * stops rising, then a validation's scoring, a checkpoint's writing and the weight average's step,
 * each at its share of the configured schedule ({@link RunCosts}); a straight line of seconds per
 * character against parameters through two widths, and the width it points to timed too. The
 * schedule ends at the epochs the width was sized for at the latest (a faster machine does not
 * overtrain it). Depth, cell, batch and segment length stay as set.
 */
final class ModelSizer {
    /** Epochs of a small text the best budgeted recipes trained for. */
    static final double EPOCHS = 8;
    /** The same for a layer-normalised cell, which learns more per update and overfits sooner (docs/quality-per-minute.md). */
    static final double LAYER_NORM_EPOCHS = 6;
    /** The same for a layer-normalised LSTM, which overfits sooner still (2×384 on tiny-shakespeare: best ended at 4). */
    static final double LAYER_NORM_LSTM_EPOCHS = 4;
    /** Characters a parameter where the text is too large to see EPOCHS times. */
    static final double CHARS_PER_PARAMETER = 20;
    /**
     * Parameters per training character past which the measured recipes only overfitted: 2×512 (2.4) ended worse
     * than 2×448 (1.8) on tiny-shakespeare at every dropout and length tried (docs/quality-per-minute.md).
     */
    static final double MAX_PARAMETERS_PER_CHAR = 1.9;
    /** Dropout per parameter-per-training-character: 0.1 at 2×256, 0.2 at 2×384, 0.25 at 2×448 on tiny-shakespeare. */
    static final double DROPOUT_PER_PARAMETERS_PER_CHAR = 0.14;
    static final double MAX_DROPOUT = 0.5;
    /** Widths are multiples of this (the kernels' vectors divide it). */
    static final int GRAIN = 32;
    /** What the budget loses besides the updates, validations, checkpoints and averaging the probes time: metrics, progress, samples. */
    static final double OVERHEAD = 0.02;
    private static final int[] PROBES = {128, 512};
    /** Past this share of the budget spent measuring, the width is decided on from the line. */
    private static final double MEASURING_SHARE = 0.03;
    /** At most this many widths measured after the probes, until the width chosen is one measured. */
    private static final int MEASURED_ROUNDS = 3;
    /** At most this many 0.3 s windows of warm-up after the first second. */
    private static final int WARM_UP_WINDOWS = 10;
    /** A probe's timed windows: at least three, until the best stops rising, at most this many. */
    private static final int PROBE_WINDOWS = 8;

    /**
     * What was chosen and the measurements behind it. {@code epochs} is where the schedule ends at the
     * latest: when the text, not the budget, limits the width ({@code textLimited}), the recipe's epochs
     * (more only overfit); else the epochs the budget buys at the measured pace, so that a machine that
     * turns out faster than its probes trains the model the epochs it was sized for, not more.
     */
    record Choice(int rnnSize, double dropout, long parameters, double charsPerSecond, double budgetChars,
                  long trainChars, double probeSeconds, int epochs, boolean textLimited) {
        String describe(ModelConfig m, long budgetSeconds) {
            String plan = !textLimited
                    ? String.format(Locale.ROOT, "the %s budget buys about %.1f M characters, %.1f per parameter (%.1f epochs of %,d"
                            + " training characters; train.max_epochs %d, should the machine turn out faster)",
                    org.charrnn.config.Durations.format(budgetSeconds), budgetChars / 1e6,
                    budgetChars / parameters, budgetChars / trainChars, trainChars, epochs)
                    : String.format(Locale.ROOT, "the text (%,d training characters) feeds no wider model (%.1f parameters a character"
                            + " at most), so the run ends after %d epochs (train.max_epochs %d), in about %s of the %s budget",
                    trainChars, MAX_PARAMETERS_PER_CHAR, epochs, epochs,
                    org.charrnn.config.Durations.format(Math.round(epochs * trainChars / charsPerSecond + probeSeconds)),
                    org.charrnn.config.Durations.format(budgetSeconds));
            return String.format(Locale.ROOT, "model.size auto: %d × %d %s, dropout %.2f (%,d parameters): this machine trains it"
                            + " at about %,.0f chars/s with its validations and checkpoints; %s; measuring took %.1f s",
                    m.numLayers(), rnnSize, m.type(), dropout, parameters, charsPerSecond, plan, probeSeconds);
        }
    }

    private ModelSizer() {}

    /** Measures this machine and chooses for the whole of train.max_time. */
    static Choice choose(RunConfig config, Corpus corpus, long trainChars) {
        long t0 = System.nanoTime();
        int vocabulary = corpus.vocabulary().size();
        java.util.Map<Integer, MemoryEstimate> estimates = new java.util.HashMap<>();
        java.util.function.IntFunction<MemoryEstimate> estimate = w -> estimates.computeIfAbsent(w,
                x -> MachineFit.estimate(config, x, vocabulary));
        // Windows of 0.4 s for a budget of ten minutes or more, shorter for a shorter one (a test's seconds).
        double window = Math.max(0.02, Math.min(0.4, config.train().maxTimeSeconds() / 1500.0));
        warmUp(config, corpus, window);
        RunCosts costs = RunCosts.of(config, corpus);
        Pace pace = new Pace(width -> measure(config, corpus, width, costs, window));
        return choose(pace, w -> estimate.apply(w).parameters(), w -> MachineFit.fits(estimate.apply(w)),
                config.train().maxTimeSeconds(), () -> (System.nanoTime() - t0) / 1e9, trainChars,
                recipeEpochs(config.model()));
    }

    /** Epochs of a small text the recipe trains this model for. */
    static double recipeEpochs(ModelConfig m) {
        if (!m.layerNorm()) return EPOCHS;
        return m.type() == ModelConfig.Cell.LSTM ? LAYER_NORM_LSTM_EPOCHS : LAYER_NORM_EPOCHS;
    }

    /**
     * The choice itself, from a pace that can be measured at any width: two probes give the line,
     * the width it picks is measured too, and the line through that and the nearer probe decides —
     * again, up to MEASURED_ROUNDS times, until the width decided on is one that was measured. The
     * width buys {@code epochs} of a small text ({@link #recipeEpochs}).
     */
    static Choice choose(Pace pace, IntToLongFunction parameters, java.util.function.IntPredicate fits, double budgetSeconds,
                         java.util.function.DoubleSupplier elapsed, long trainChars, double epochs) {
        for (int w : PROBES) {
            while (w > GRAIN && !fits.test(w)) w /= 2;
            pace.at(w);
        }
        int width = widest(pace, parameters, fits, budgetSeconds - elapsed.getAsDouble(), trainChars, epochs);
        // The width trained is a width measured: a line through other widths misjudged some by a third.
        for (int round = 0; round < MEASURED_ROUNDS && !pace.measured(width) && elapsed.getAsDouble() < budgetSeconds * MEASURING_SHARE;
             round++) {
            pace.at(width);
            width = widest(pace, parameters, fits, budgetSeconds - elapsed.getAsDouble(), trainChars, epochs);
        }
        double left = (budgetSeconds - elapsed.getAsDouble()) * (1 - OVERHEAD);
        double perChar = pace.secondsPerChar(width, parameters);
        long p = parameters.applyAsLong(width);
        double dropout = Math.min(MAX_DROPOUT, Math.round(DROPOUT_PER_PARAMETERS_PER_CHAR * p / trainChars * 20) / 20.0);
        // The text, not the budget, stopped the width: the budget's further epochs of it would only overfit.
        boolean textLimited = textLimits(pace, parameters, fits, left, width, trainChars, epochs);
        // Else the epochs the budget buys: a faster machine ends there (the width was sized for them), a slower one at the budget.
        int end = textLimited ? (int) Math.ceil(epochs) : (int) Math.max(1, Math.round(left / perChar / trainChars));
        return new Choice(width, dropout, p, 1 / perChar, left / perChar, trainChars, elapsed.getAsDouble(), end, textLimited);
    }

    /**
     * The widest width (a multiple of GRAIN) whose budget buys {@code epochs} of the text or CHARS_PER_PARAMETER
     * characters a parameter, whichever is fewer, that the text can feed (MAX_PARAMETERS_PER_CHAR) and
     * that fits in memory; GRAIN at least.
     */
    static int widest(Pace pace, IntToLongFunction parameters, java.util.function.IntPredicate fits, double budgetSeconds,
                      long trainChars, double epochs) {
        double left = budgetSeconds * (1 - OVERHEAD);
        int best = GRAIN;
        for (int w = GRAIN; w <= 65536 && fits.test(w); w += GRAIN) {
            long p = parameters.applyAsLong(w);
            double chars = left / pace.secondsPerChar(w, parameters);
            if (chars < Math.min(epochs * trainChars, CHARS_PER_PARAMETER * p) || p > MAX_PARAMETERS_PER_CHAR * trainChars) break;
            best = w;
        }
        return best;
    }

    /** Whether the next width would have had the budget's epochs but the text cannot feed its parameters. */
    private static boolean textLimits(Pace pace, IntToLongFunction parameters, java.util.function.IntPredicate fits, double left,
                                      int width, long trainChars, double epochs) {
        int next = width + GRAIN;
        long p = parameters.applyAsLong(next);
        return fits.test(next) && p > MAX_PARAMETERS_PER_CHAR * trainChars
                && left / pace.secondsPerChar(next, parameters) >= Math.min(epochs * trainChars, CHARS_PER_PARAMETER * p);
    }

    /**
     * The widest width this sizer could choose on a text: as many parameters as the text can feed
     * (MAX_PARAMETERS_PER_CHAR), within the machine's memory. The memory plan sizes the process for it.
     */
    static int widestAllowed(RunConfig config, long trainChars, int vocabulary) {
        int best = GRAIN;
        for (int w = GRAIN; w <= 65536; w += GRAIN) {
            MemoryEstimate e = MachineFit.estimate(config, w, vocabulary);
            if (e.parameters() > MAX_PARAMETERS_PER_CHAR * trainChars || !MemoryEstimate.machineFits(e)) break;
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

        boolean measured(int width) {
            return measured.containsKey(width);
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
            if (!(slope > 0)) { // a wider model cannot be cheaper per character: a probe was disturbed; scale the nearest
                return measured.get(a) * parameters.applyAsLong(width) / pa;
            }
            double line = measured.get(a) + slope * (parameters.applyAsLong(width) - pa);
            return Math.max(line, Math.min(measured.get(a), measured.get(b)) * 0.5); // never a pace no probe came near
        }
    }

    /**
     * The run's seconds per training character at this width: the updates' — a fresh graph's first
     * updates are slow (its buffers, primitives and workspaces are made, a deeper one's layers compiled
     * for its shapes), so untimed windows go on until the pace stops rising, then the median of three
     * timed ones (the run meets the machine's noise as the windows do: the fastest window promised a
     * tenth more than ten minutes then trained) — and the validations', checkpoints' and averaging's
     * share of the run at this width.
     */
    private static double measure(RunConfig config, Corpus corpus, int width, RunCosts costs, double seconds) {
        RepeatedUpdates probe = probe(config, corpus, width);
        double best = 0;
        for (int window = 0; window < PROBE_WINDOWS; window++) {
            double pace = probe.window(seconds * 0.75, 3);
            if (window >= 1 && pace < best * 1.03) break;
            best = Math.max(best, pace);
        }
        List<Double> timed = new ArrayList<>();
        for (int window = 0; window < 3; window++) timed.add(probe.window(seconds, 3));
        timed.sort(null);
        return 1 / timed.get(1) + costs.secondsPerTrainedChar(probe.graph());
    }

    /**
     * Compiles the training step's hot loops before anything is timed: the first probe of a process
     * would otherwise time the interpreter and the JIT at work (on one core, the JIT takes the core).
     */
    private static void warmUp(RunConfig config, Corpus corpus, double seconds) {
        RepeatedUpdates small = probe(config, corpus, 64);
        small.window(seconds * 2.5, 10);
        // The JIT's compiler threads share the cores with the probe: go on until the pace stops rising.
        double best = 0;
        for (int window = 0; window < WARM_UP_WINDOWS; window++) {
            double pace = small.window(seconds * 0.75, 2);
            if (pace < best * 1.05) break;
            best = Math.max(best, pace);
        }
    }

    private static RepeatedUpdates probe(RunConfig config, Corpus corpus, int width) {
        ModelConfig m = config.model().resized(width, config.model().dropout());
        return new RepeatedUpdates(GraphFactory.build(m, config.train().optimization(), corpus.vocabulary().size()), corpus,
                config.train().batchSize(), config.train().seqLength(), 4);
    }
}
