package org.charrnn.train;

import org.charrnn.checkpoint.TrainingState;
import org.charrnn.config.RunConfig;
import org.charrnn.data.CharacterIterator;
import org.charrnn.data.Corpus;
import org.charrnn.data.Region;
import org.charrnn.data.Splits;
import org.charrnn.data.StreamLayout;
import org.charrnn.eval.Evaluator;
import org.charrnn.model.GraphFactory;
import org.charrnn.model.TrainingStep;
import org.charrnn.model.layer.CarriedState;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;

/**
 * char-rnn's training loop on a ComputationGraph: minibatches in stream order with the hidden
 * state carried across them ({@link CarriedState}), the learning-rate schedule, validation and a
 * checkpoint every eval_val_every iterations and at every epoch's end, and the stop rules (a time
 * budget, patience, Ctrl-C, divergence), and over the schedule's last part the mean of the weights that
 * validations score ({@link WeightAverage}). Everything the loop depends on is in {@link TrainingState},
 * so a resumed run repeats an uninterrupted one exactly.
 */
public final class Trainer {
    /** A budgeted run validates this soon at the latest, so that a best.zip exists early. */
    static final double FIRST_VALIDATION_SECONDS = 120;

    private final RunConfig config;
    private final String configYaml;
    private final Corpus corpus;
    private final ComputationGraph graph;
    private final TrainingStep step;
    private final CarriedState carried;
    private final CheckpointStore store;
    private final Splits splits;
    private final StreamLayout layout;
    private final LearningRateSchedule schedule;
    private final StopRules stopRules;
    private final WeightAverage average;
    /** A resumed run's mean of its weights, read from its checkpoint, until run() takes it. */
    private INDArray restoredMean;

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
        this.schedule = LearningRateSchedule.of(config.train());
        this.stopRules = new StopRules(config.train());
        this.average = new WeightAverage(config.train().averageFrom());
    }

    /** The mean of the weights a resumed run's checkpoint holds beside its training weights ({@code Checkpoint.averagedWeights}). */
    public void restoreAverage(INDArray mean) {
        restoredMean = mean;
    }

    public RunConfig config() {
        return config;
    }

    public ComputationGraph graph() {
        return graph;
    }

    public Corpus corpus() {
        return corpus;
    }

    public CheckpointStore store() {
        return store;
    }

    public int iterationsPerEpoch() {
        return layout.segments();
    }

    public long totalIterations() {
        return (long) config.train().maxEpochs() * iterationsPerEpoch();
    }

    public TrainingState freshState() {
        return new TrainingState(0, iterationsPerEpoch(), schedule.at(0, iterationsPerEpoch(), totalIterations(), 0),
                config.train().seed(), Double.NaN, Map.of(), List.of(), List.of(), corpus.sha256(), 0.0, false, 0L);
    }

    /** Trains from {@code start} to the end of max_epochs. */
    public TrainingState run(TrainingState start, TrainingEvents events) {
        return run(start, totalIterations(), events);
    }

    /** Trains from {@code start} until {@code stopAt} updates are done (or max_epochs ends). */
    public TrainingState run(TrainingState start, long stopAt) {
        return run(start, stopAt, new TrainingEvents() { });
    }

    /** Trains from {@code start} until {@code stopAt} updates are done (or the run ends), reporting to {@code events}. */
    public TrainingState run(TrainingState start, long stopAt, TrainingEvents events) {
        int perEpoch = iterationsPerEpoch();
        long end = Math.min(stopAt, totalIterations());
        CharacterIterator batches = new CharacterIterator(corpus, layout, GraphFactory.encoding(graph), graph.params().dataType())
                .reusingArrays();
        batches.seek((int) (start.iteration() % perEpoch));
        carried.restore(start.carried());
        average.startAt(start.averagedUpdates(), restoredMean);
        restoredMean = null;
        graph.rnnClearPreviousState();
        History history = new History(start);
        RunClock clock = new RunClock(start.trainingSeconds(), config.train().maxTimeSeconds(), start.iteration(),
                (long) layout.batch() * layout.seqLength());
        events.started(startReport(start.iteration()));
        if (start.iteration() == 0) advise(events);

        long iteration = start.iteration();
        TrainingState state = start;
        appliedRate = Double.NaN;
        budgetGoverns = start.budgetGoverns();
        String stop = iteration < end ? stopRules.before(clock, history) : null;
        UpdateEngine updates = null;
        try {
            if (iteration < end && stop == null) {
                updates = UpdateEngine.open(config, graph, step, carried);
                updates.description().ifPresent(events::message);
            }
            while (stop == null && iteration < end) {
                DataSet batch = next(batches);
                double rate = setLearningRate(iteration, clock);
                if (config.model().dropout() > 0) Nd4j.getRandom().setSeed(mix(config.train().seed(), iteration)); // a resume draws the same masks
                double loss;
                try {
                    loss = update(updates, batch, clock, iteration + 1);
                } catch (StepFailure failure) {
                    // Nothing of this step was applied: keep every update before it (a resume redoes this one).
                    if (state.iteration() != iteration) state = saveLast(iteration, history, clock);
                    throw failure.savedAt(iteration, state == start ? null : store.dir().resolve(CheckpointStore.LAST));
                }
                iteration++;
                if (average.add(graph, schedule.progress(iteration, totalIterations(), budgetFraction(clock)))) {
                    events.message("from iteration " + iteration + " on, validations score and checkpoints hold the mean of the weights"
                            + " since (train.average_from " + config.train().averageFrom() + ")");
                }
                if (iteration % perEpoch == 0) carried.reset(); // the streams start over next epoch
                history.add(loss);
                Divergence.check(loss, history, iteration, config.train(), lastGood());
                report(events, iteration, end, loss, rate, clock, updates.live());

                boolean budgetEnds = iteration < end && clock.budgetSpent();
                boolean validate = validationDue(iteration, clock, history) || budgetEnds && !recentlyValidated(iteration, history);
                if (validate) {
                    long v0 = System.nanoTime();
                    try {
                        state = validateAndSave(iteration, history, clock, events);
                    } catch (CancellationException e) {
                        events.message(e.getMessage());
                        validate = false;
                        budgetEnds = !events.stopRequested();
                    }
                    clock.reserve((System.nanoTime() - v0) / 1e9); // the budget keeps room for one at its end
                }
                if (iteration < end && events.stopRequested()) {
                    // Ctrl-C: the update in flight is done; keep it (a resumed run continues exactly from here).
                    if (state.iteration() != iteration) state = saveLast(iteration, history, clock);
                    events.stopped(iteration, store.dir().resolve(CheckpointStore.LAST));
                    return state;
                }
                if (budgetEnds) {
                    if (state.iteration() != iteration) state = saveLast(iteration, history, clock);
                    stop = stopRules.budgetReached(iteration, perEpoch);
                } else if (validate) {
                    Advice.afterValidation(history.validations(), config.model()).ifPresent(events::message);
                    if (iteration < end) stop = stopRules.patienceSpent(history.validations());
                }
            }
            if (stop != null) events.message(stop);
        } finally {
            if (updates != null) {
                updates.summary().ifPresent(events::message);
                updates.close();
            }
            events.ended(clock.session());
            events.finished();
        }
        // Stopped between validations (stopAt): hand back the exact state without writing anything.
        return state.iteration() == iteration ? state : snapshot(iteration, history, clock);
    }

    /**
     * One update, the one that ends at {@code iteration}: forward and backward over the minibatch, the
     * optimizer's step, the state carried on. Returns the loss per character.
     */
    private double update(UpdateEngine updates, DataSet batch, RunClock clock, long iteration) {
        long t0 = System.nanoTime();
        double score = updates.update(batch);
        clock.update(iteration, System.nanoTime() - t0);
        return score / layout.seqLength();
    }

    private DataSet next(CharacterIterator batches) {
        if (!batches.hasNext()) batches.reset();
        return batches.next();
    }

    private double appliedRate = Double.NaN;
    /** Once the budget is seen to end the run first, the schedule follows its time (kept in the training state). */
    private boolean budgetGoverns;

    private double setLearningRate(long iteration, RunClock clock) {
        if (!budgetGoverns) budgetGoverns = clock.budgetWouldEndFirst(iteration, totalIterations());
        double rate = schedule.at(iteration, iterationsPerEpoch(), totalIterations(), budgetFraction(clock));
        if (rate != appliedRate) {
            step.setLearningRate(rate);
            appliedRate = rate;
        }
        return rate;
    }

    /**
     * Every eval_val_every iterations, at every epoch's end and at the run's last iteration; a
     * budgeted run also validates once FIRST_VALIDATION_SECONDS have passed without a validation.
     */
    private boolean validationDue(long iteration, RunClock clock, History history) {
        return iteration % config.train().evalValEvery() == 0 || iteration % iterationsPerEpoch() == 0
                || iteration == totalIterations()
                || clock.budgeted() && history.lastValidation() < 0 && clock.elapsed() >= FIRST_VALIDATION_SECONDS;
    }

    /** A validation within the last 1 % of the run's updates: the budget's end saves last.zip instead of validating again. */
    private static boolean recentlyValidated(long iteration, History history) {
        return history.lastValidation() >= 0 && iteration - history.lastValidation() <= Math.max(1, iteration / 100);
    }

    private void report(TrainingEvents events, long iteration, long end, double loss, double rate, RunClock clock, String engine) {
        TrainingEvents.Progress p = new TrainingEvents.Progress(iteration, totalIterations(), (double) iteration / iterationsPerEpoch(),
                loss, rate, clock.charsPerSecond(), clock.updateCharsPerSecond(), clock.secondsLeft(iteration, totalIterations()),
                clock.elapsed(), budgetGoverns ? clock.budgetSeconds() : 0, engine);
        events.iteration(p, graph);
        if (iteration % config.train().printEvery() == 0 || iteration == end) events.progress(p);
    }

    /** The part of the val split a validation scores: all of it, or its first train.val_chars characters. */
    Region validated() {
        long cap = config.train().valChars();
        return cap == 0 || cap >= splits.val().length() ? splits.val() : new Region(splits.val().start(), cap);
    }

    /**
     * Validates on the val split and saves the checkpoints (named, last, and best when it is).
     * Ctrl-C, or a validation that runs well past the budget's end, cancels it
     * ({@link CancellationException} naming why; nothing is recorded for it).
     */
    private TrainingState validateAndSave(long iteration, History history, RunClock clock, TrainingEvents events) {
        double epoch = (double) iteration / iterationsPerEpoch();
        // Twice the longest validation seen; before any, a tenth of the budget (a short run's only validation is at its end).
        double grace = Math.max(2, clock.reserved() > 0 ? 2 * clock.reserved() : 0.1 * clock.budgetSeconds());
        Supplier<String> stop = () -> {
            if (events.stopRequested()) return "validation at iteration " + iteration + " stopped (asked to stop)";
            if (clock.budgeted() && clock.elapsed() > clock.budgetSeconds() + grace) {
                return "validation at iteration " + iteration + " stopped: it ran past train.max_time "
                        + org.charrnn.config.Durations.format(clock.budgetSeconds());
            }
            return null;
        };
        // Once weights are averaged, the mean is what is scored and saved (the training weights beside it).
        return average.withMean(graph, trainingWeights -> {
            long t0 = System.nanoTime();
            Evaluator.Loss val;
            try {
                val = Evaluator.evaluate(graph, corpus, validated(), config.train().batchSize(), config.train().seqLength(),
                        (done, total) -> { }, stop);
            } finally {
                clock.validated(System.nanoTime() - t0); // a cancelled one took the time too
            }
            return scoreAndSave(iteration, history, clock, events, epoch, trainingWeights, val);
        });
    }

    /** Names, ranks and saves the checkpoint for a validation's loss; the graph holds what was scored. */
    private TrainingState scoreAndSave(long iteration, History history, RunClock clock, TrainingEvents events, double epoch,
                                       INDArray trainingWeights, Evaluator.Loss val) {
        double trainLoss = history.meanSinceLastValidation();
        // Without a validation split, checkpoints are named and ranked by the training loss.
        double score = val.characters() > 0 ? val.natsPerChar() : trainLoss;
        if (!Double.isFinite(score) || !Double.isFinite(graph.params().sumNumber().doubleValue())) {
            throw new TrainingException("training diverged at iteration " + iteration
                    + ": the parameters are no longer finite; nothing was saved for it, " + Divergence.intact(lastGood())
                    + ". Try a lower train.learning_rate or train.grad_clip");
        }
        boolean best = score < history.bestScore();
        history.addValidation(new TrainingState.Validation(iteration, epoch, val.natsPerChar(), trainLoss));
        TrainingState state = snapshot(iteration, history, clock);
        long t0 = System.nanoTime();
        Path saved = store.save(graph, trainingWeights, corpus.vocabulary(), configYaml, state, GraphFactory.coreOf(graph), score, best);
        clock.saved(System.nanoTime() - t0);
        events.validated(iteration, epoch, val.natsPerChar(), trainLoss, saved, best);
        return state;
    }

    /** Saves last.zip at {@code iteration}: no validation to name or rank it by (a stop between validations). */
    private TrainingState saveLast(long iteration, History history, RunClock clock) {
        long t0 = System.nanoTime();
        TrainingState state = snapshot(iteration, history, clock);
        average.withMean(graph, trainingWeights -> store.saveLast(graph, trainingWeights, corpus.vocabulary(), configYaml, state,
                GraphFactory.coreOf(graph)));
        clock.saved(System.nanoTime() - t0);
        return state;
    }

    private TrainingState snapshot(long iteration, History history, RunClock clock) {
        return new TrainingState(iteration, iterationsPerEpoch(),
                schedule.at(iteration, iterationsPerEpoch(), totalIterations(), budgetFraction(clock)), config.train().seed(),
                history.initialLoss(), carried.snapshot(), history.losses(), history.validations(), corpus.sha256(), clock.elapsed(),
                budgetGoverns, average.count());
    }

    /** The budget's part in the schedule: its fraction spent once it governs the run, else nothing. */
    private double budgetFraction(RunClock clock) {
        return budgetGoverns ? clock.budgetFraction() : 0;
    }

    /** The run's last.zip when there is one: what a failure leaves intact. */
    private Path lastGood() {
        Path last = store.dir().resolve(CheckpointStore.LAST);
        return java.nio.file.Files.exists(last) ? last : null;
    }

    private StartReport startReport(long startIteration) {
        return new StartReport(config.name(), startIteration,
                new StartReport.Model(config.model().type().toString(), config.model().numLayers(), config.model().rnnSize(),
                        config.model().dropout(), graph.numParams()),
                new StartReport.Text(corpus.vocabulary().size(), splits.train().length(), splits.val().length(),
                        splits.test().length(), validated().length()),
                new StartReport.Schedule(iterationsPerEpoch(), (long) layout.batch() * layout.seqLength(), config.train().maxEpochs(),
                        totalIterations(), config.train().maxTimeSeconds()),
                store.dir());
    }

    private void advise(TrainingEvents events) {
        Advice.forSize(graph.numParams(), splits.train().length(), config.model()).ifPresent(events::message);
        Advice.forEpochLength(iterationsPerEpoch(), splits.train().length(), config.train()).ifPresent(events::message);
    }

    /** A well-spread 64-bit seed per (run seed, iteration) — SplitMix64's finaliser. */
    static long mix(long seed, long iteration) {
        long z = seed + 0x9E3779B97F4A7C15L * (iteration + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
