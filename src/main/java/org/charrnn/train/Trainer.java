package org.charrnn.train;

import org.charrnn.eval.Evaluator;
import org.charrnn.checkpoint.TrainingState;
import org.charrnn.config.RunConfig;
import org.charrnn.data.CharacterIterator;
import org.charrnn.data.Corpus;
import org.charrnn.data.Encoding;
import org.charrnn.data.Splits;
import org.charrnn.data.StreamLayout;
import org.charrnn.model.layer.CarriedState;
import org.charrnn.model.GraphFactory;
import org.charrnn.model.TrainingStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * char-rnn's training loop on a ComputationGraph: minibatches in stream order with the hidden
 * state carried across them, the learning-rate schedule, validation and a checkpoint every
 * eval_val_every iterations and at every epoch's end, and a stop on divergence. Everything the
 * loop depends on is in {@link TrainingState}, so a resumed run repeats an uninterrupted one exactly.
 */
public final class Trainer {
    private final RunConfig config;
    private final String configYaml;
    private final Corpus corpus;
    private final ComputationGraph graph;
    private final TrainingStep step;
    private final CarriedState carried;
    private final CheckpointStore store;
    private final Splits splits;
    private final StreamLayout layout;
    private final Encoding encoding;
    private final LearningRateSchedule schedule;
    // The budget's clock and the schedule's end, for the run in progress (kept in every snapshot).
    private double secondsBefore;
    private long sessionStart;
    private long horizon;

    public Trainer(RunConfig config, String configYaml, Corpus corpus, ComputationGraph graph, CheckpointStore store) {
        this.config = config;
        this.configYaml = configYaml;
        this.corpus = corpus;
        this.graph = graph;
        this.step = new TrainingStep(graph);
        this.carried = CarriedState.of(graph);
        this.store = store;
        this.splits = Splits.of(config.data(), corpus.length());
        this.layout = StreamLayout.forTraining(splits.train(), config.train());
        this.encoding = GraphFactory.encoding(graph);
        this.schedule = LearningRateSchedule.of(config.train());
    }

    public RunConfig config() {
        return config;
    }

    public ComputationGraph graph() {
        return graph;
    }

    public int iterationsPerEpoch() {
        return layout.segments();
    }

    public long totalIterations() {
        return (long) config.train().maxEpochs() * iterationsPerEpoch();
    }

    public TrainingState freshState() {
        return new TrainingState(0, iterationsPerEpoch(), schedule.at(0, iterationsPerEpoch(), totalIterations()),
                config.train().seed(), Double.NaN, java.util.Map.of(), List.of(), List.of(), corpus.sha256(), 0.0, totalIterations());
    }

    public Corpus corpus() {
        return corpus;
    }

    public CheckpointStore store() {
        return store;
    }

    /** Trains from {@code start} to the end of max_epochs. */
    public TrainingState run(TrainingState start, TrainingEvents events) {
        return run(start, totalIterations(), events);
    }

    /** Trains from {@code start} until {@code stopAt} updates are done (or max_epochs ends). */
    public TrainingState run(TrainingState start, long stopAt) {
        return run(start, stopAt, new TrainingEvents() { });
    }

    /** Trains from {@code start} until {@code stopAt} updates are done (or max_epochs ends), reporting to {@code events}. */
    public TrainingState run(TrainingState start, long stopAt, TrainingEvents events) {
        int perEpoch = iterationsPerEpoch();
        long total = totalIterations();
        long end = Math.min(stopAt, total);
        long charsPerIteration = (long) layout.batch() * layout.seqLength();
        CharacterIterator it = new CharacterIterator(corpus, layout, encoding, graph.params().dataType());
        it.seek((int) (start.iteration() % perEpoch));
        carried.restore(start.carried());
        graph.rnnClearPreviousState();

        long iteration = start.iteration();
        double initialLoss = start.initialLoss();
        List<Float> losses = new ArrayList<>(start.trainLosses());
        List<TrainingState.Validation> validations = new ArrayList<>(start.validations());
        double appliedRate = Double.NaN;
        boolean dropout = config.model().dropout() > 0;
        Throughput throughput = new Throughput();
        TrainingState state = start;
        secondsBefore = start.trainingSeconds();
        sessionStart = System.nanoTime();
        horizon = start.scheduleHorizon() > 0 ? Math.min(start.scheduleHorizon(), total) : total;
        long budget = config.train().maxTimeSeconds();
        long sessionFirst = iteration;

        events.started(new StartReport(config.name(), config.model().type(), config.model().numLayers(), config.model().rnnSize(),
                config.model().dropout(), graph.numParams(), corpus.vocabulary().size(), splits.train().length(),
                splits.val().length(), splits.test().length(), perEpoch, charsPerIteration, iteration, total,
                config.train().maxEpochs(), budget, store.dir()));
        if (iteration == 0) {
            Advice.forSize(graph.numParams(), splits.train().length(), config.model()).ifPresent(events::message);
            Advice.forEpochLength(perEpoch, splits.train().length(), config.train()).ifPresent(events::message);
        }
        try {
            String over = finishedBefore(validations, budget);
            if (over != null && iteration < end) {
                events.message(over);
                end = iteration;
            }
            while (iteration < end) {
                if (!it.hasNext()) it.reset();
                double rate = schedule.at(iteration, perEpoch, horizon);
                if (rate != appliedRate) {
                    graph.setLearningRate(rate);
                    appliedRate = rate;
                }
                // Dropout masks as a function of (seed, iteration): a resumed run draws the same ones.
                if (dropout) Nd4j.getRandom().setSeed(mix(config.train().seed(), iteration));

                DataSet batch = it.next();
                long t0 = System.nanoTime();
                step.fit(batch);
                carried.advance();
                double loss = graph.score() / batch.getFeatures().size(2);
                throughput.add(charsPerIteration, System.nanoTime() - t0);
                iteration++;
                if (iteration % perEpoch == 0) carried.reset(); // the streams start over next epoch

                losses.add((float) loss);
                if (Double.isNaN(initialLoss)) initialLoss = loss;
                checkDivergence(loss, losses, initialLoss, iteration);

                if (budget > 0) reestimateHorizon(iteration, sessionFirst, total, budget);
                long expectedEnd = budget > 0 ? Math.max(iteration, Math.min(total, estimatedEnd(iteration, sessionFirst, budget, total))) : total;
                double secondsLeft = secondsLeft(total - iteration, iteration - sessionFirst, throughput, charsPerIteration);
                if (budget > 0) secondsLeft = Math.max(0, Math.min(secondsLeft, budget - elapsed()));
                TrainingEvents.Progress progress = new TrainingEvents.Progress(iteration, expectedEnd, (double) iteration / perEpoch,
                        loss, rate, throughput.charsPerSecond(), secondsLeft);
                events.iteration(progress, graph);
                if (iteration % config.train().printEvery() == 0 || iteration == end) events.progress(progress);
                boolean outOfTime = budget > 0 && elapsed() >= budget && iteration < end;
                boolean validate = iteration % config.train().evalValEvery() == 0 || iteration % perEpoch == 0
                        || iteration == total || outOfTime;
                if (validate) {
                    state = validateAndSave(iteration, initialLoss, losses, validations, meanSinceLastValidation(losses, validations),
                            events);
                    Advice.afterValidation(validations, config.model()).ifPresent(events::message);
                }
                if (outOfTime) {
                    events.message(String.format(java.util.Locale.ROOT, "train.max_time %s reached at iteration %d (epoch %.2f): "
                            + "validated and saved; raise train.max_time to continue with --resume last",
                            org.charrnn.config.Durations.format(budget), iteration, (double) iteration / perEpoch));
                    break;
                }
                String patience = validate ? patienceSpent(validations) : null;
                if (patience != null && iteration < end) {
                    events.message(patience);
                    break;
                }
                if (iteration < end && events.stopRequested()) {
                    // Ctrl-C: the update in flight is done; keep it (a resumed run continues exactly from here).
                    if (!validate) {
                        state = snapshot(iteration, initialLoss, losses, validations);
                        events.stopped(iteration, store.saveLast(graph, corpus.vocabulary(), configYaml, state,
                                GraphFactory.coreOf(graph)));
                    } else {
                        events.stopped(iteration, store.dir().resolve(CheckpointStore.LAST));
                    }
                    break;
                }
            }
        } finally {
            events.finished();
        }
        if (state.iteration() != iteration) {
            // stopped between validations (stopAt): hand back the exact state without writing anything
            state = snapshot(iteration, initialLoss, losses, validations);
        }
        return state;
    }

    private TrainingState validateAndSave(long iteration, double initialLoss, List<Float> losses,
                                          List<TrainingState.Validation> validations, double trainLoss,
                                          TrainingEvents events) {
        double epoch = (double) iteration / iterationsPerEpoch();
        Evaluator.Loss val = Evaluator.evaluate(graph, corpus, splits.val(), config.train().batchSize(),
                config.train().seqLength());
        // Without a validation split, checkpoints are named and ranked by the training loss.
        double score = val.characters() > 0 ? val.natsPerChar() : trainLoss;
        double bestSoFar = validations.stream().mapToDouble(v -> Double.isNaN(v.loss()) ? v.trainLoss() : v.loss())
                .min().orElse(Double.POSITIVE_INFINITY);
        validations.add(new TrainingState.Validation(iteration, epoch, val.natsPerChar(), trainLoss));
        if (!Double.isFinite(score) || !Double.isFinite(graph.params().sumNumber().doubleValue())) {
            throw new TrainingException("training diverged at iteration " + iteration
                    + ": the parameters are no longer finite; nothing was saved for it, the last good checkpoint in "
                    + store.dir() + " is intact. Try a lower train.learning_rate or train.grad_clip");
        }
        TrainingState state = snapshot(iteration, initialLoss, losses, validations);
        boolean best = score < bestSoFar;
        Path saved = store.save(graph, corpus.vocabulary(), configYaml, state, GraphFactory.coreOf(graph), score, best);
        events.validated(iteration, epoch, val.natsPerChar(), trainLoss, saved, best);
        return state;
    }

    /** Mean training loss of the updates since the previous validation (losses.get(i) is update i + 1). */
    private static double meanSinceLastValidation(List<Float> losses, List<TrainingState.Validation> validations) {
        int from = validations.isEmpty() ? 0 : (int) validations.get(validations.size() - 1).iteration();
        double sum = 0;
        for (int i = from; i < losses.size(); i++) sum += losses.get(i);
        return sum / (losses.size() - from);
    }

    private TrainingState snapshot(long iteration, double initialLoss, List<Float> losses,
                                   List<TrainingState.Validation> validations) {
        return new TrainingState(iteration, iterationsPerEpoch(), schedule.at(iteration, iterationsPerEpoch(), horizon),
                config.train().seed(), initialLoss, carried.snapshot(),
                List.copyOf(losses), List.copyOf(validations), corpus.sha256(), elapsed(), horizon);
    }

    /** Training seconds of the whole run so far, this session included. */
    private double elapsed() {
        return secondsBefore + (System.nanoTime() - sessionStart) / 1e9;
    }

    /** Iterations this session has run per second, validations included (null before there is enough to tell). */
    private double iterationsPerSecond(long iteration, long sessionFirst) {
        double seconds = (System.nanoTime() - sessionStart) / 1e9;
        return iteration - sessionFirst < 20 || seconds <= 0 ? Double.NaN : (iteration - sessionFirst) / seconds;
    }

    /** Where train.max_time is expected to end the run, at this session's pace. */
    private long estimatedEnd(long iteration, long sessionFirst, long budget, long total) {
        double pace = iterationsPerSecond(iteration, sessionFirst);
        if (Double.isNaN(pace)) return total;
        return iteration + (long) Math.max(0, (budget - elapsed()) * pace);
    }

    /** A cosine or linear schedule decays to where the budget will end the run: re-estimated as the pace is measured. */
    private void reestimateHorizon(long iteration, long sessionFirst, long total, long budget) {
        if (!schedule.needsHorizon() || iteration % 50 != 0 || Double.isNaN(iterationsPerSecond(iteration, sessionFirst))) return;
        horizon = Math.max(iteration + 1, Math.min(total, estimatedEnd(iteration, sessionFirst, budget, total)));
    }

    /** Why a resumed run has nothing left to do (budget spent, patience exhausted), or null. */
    private String finishedBefore(List<TrainingState.Validation> validations, long budget) {
        if (budget > 0 && secondsBefore >= budget) {
            return "train.max_time " + org.charrnn.config.Durations.format(budget) + " was already spent by this run ("
                    + Math.round(secondsBefore) + " s); raise train.max_time to continue";
        }
        return patienceSpent(validations);
    }

    /** The early-stop message when the last train.patience validations brought no new best, else null. */
    private String patienceSpent(List<TrainingState.Validation> validations) {
        int patience = config.train().patience();
        if (patience <= 0 || validations.isEmpty()) return null;
        int bestAt = 0;
        for (int i = 1; i < validations.size(); i++) if (score(validations.get(i)) < score(validations.get(bestAt))) bestAt = i;
        int since = validations.size() - 1 - bestAt;
        if (since < patience) return null;
        TrainingState.Validation best = validations.get(bestAt);
        return String.format(java.util.Locale.ROOT, "early stop: no new best in %d validations (train.patience %d); best.zip holds "
                + "val loss %.4f from iteration %d", since, patience, score(best), best.iteration());
    }

    /** What a validation is ranked by: its val loss, or without a validation split its train loss. */
    private static double score(TrainingState.Validation v) {
        return Double.isNaN(v.loss()) ? v.trainLoss() : v.loss();
    }

    /** Updates whose mean loss must stay under 3× the first loss: a short spike (Adagrad's first steps) is not divergence. */
    static final int DIVERGENCE_WINDOW = 20;

    /**
     * Divergence: a loss that is not finite, or the mean of the last {@link #DIVERGENCE_WINDOW} losses
     * above 3× the first. (Adagrad moves every weight by ±rate on its first update; at min-char-rnn's
     * rate 0.1 the next few losses run 2–3× the first and recover, as in the numpy gist.)
     */
    private void checkDivergence(double loss, List<Float> losses, double initialLoss, long iteration) {
        double recent = 0;
        int n = Math.min(DIVERGENCE_WINDOW, losses.size());
        for (int i = losses.size() - n; i < losses.size(); i++) recent += losses.get(i);
        boolean sustained = n == DIVERGENCE_WINDOW && recent / n > 3 * initialLoss;
        if (!Double.isFinite(loss) || sustained) {
            throw new TrainingException(String.format(java.util.Locale.ROOT,
                    "training diverged at iteration %d: loss %s (it started at %.4f)" + (sustained ? ", mean of the last "
                            + DIVERGENCE_WINDOW + " updates %.4f" : "%s") + "; stopped without saving, the last"
                            + " good checkpoint in %s is intact. Try a lower train.learning_rate (now %g) or train.grad_clip (now %g)",
                    iteration, Double.isFinite(loss) ? String.format(java.util.Locale.ROOT, "%.4f", loss) : Double.toString(loss),
                    initialLoss, sustained ? (Object) (recent / n) : "", store.dir(), config.train().learningRate(), config.train().gradClip()));
        }
    }

    /** A well-spread 64-bit seed per (run seed, iteration) — SplitMix64's finaliser. */
    static long mix(long seed, long iteration) {
        long z = seed + 0x9E3779B97F4A7C15L * (iteration + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The ETA: after the first minutes' warm-up, the remaining iterations at this session's average
     * wall-clock pace (validations and checkpoints included, so it neither ignores them nor jumps
     * with the machine's noise); before that, the recent updates' pace.
     */
    private double secondsLeft(long remaining, long doneThisSession, Throughput recent, long charsPerIteration) {
        double wall = (System.nanoTime() - sessionStart) / 1e9;
        if (doneThisSession >= 20 && wall >= 30) return remaining * wall / doneThisSession;
        return recent.secondsFor(remaining * charsPerIteration);
    }

    /** Characters per second over a sliding window of recent updates (after the first, which warms up). */
    private static final class Throughput {
        private final long[] chars = new long[50];
        private final long[] nanos = new long[50];
        private int count;

        void add(long c, long ns) {
            chars[count % chars.length] = c;
            nanos[count % nanos.length] = ns;
            count++;
        }

        double charsPerSecond() {
            int n = Math.min(count, chars.length);
            long c = 0;
            long ns = 0;
            for (int i = 0; i < n; i++) {
                c += chars[i];
                ns += nanos[i];
            }
            return ns == 0 ? 0 : c * 1e9 / ns;
        }

        double secondsFor(long characters) {
            double cps = charsPerSecond();
            return cps == 0 ? Double.NaN : characters / cps;
        }
    }
}
