package org.charrnn.train;

import org.charrnn.config.TrainConfig;
import org.charrnn.config.ConfigLoader;
import org.charrnn.checkpoint.TrainingState;
import org.charrnn.checkpoint.TrainingState.Validation;
import org.charrnn.config.ModelConfig;
import org.charrnn.config.RunConfig;
import org.charrnn.testing.TestTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train.max_time, the cosine and linear schedules with warm-up, train.patience and the advice. */
class BudgetScheduleTest {
    @TempDir
    Path tmp;

    /** Collects the messages a run prints. */
    static final class Messages implements TrainingEvents {
        final List<String> lines = new ArrayList<>();

        @Override
        public void message(String text) {
            lines.add(text);
        }
    }

    @Test
    void scheduleValuesAtChosenIterations() {
        LearningRateSchedule cosine = new LearningRateSchedule(TrainConfig.Schedule.COSINE, 1.0, 0.97, 10, 10, 0.1);
        assertEquals(0.1, cosine.at(0, 100, 110, 0), 1e-12, "warm-up starts at rate/warmup");
        assertEquals(0.5, cosine.at(4, 100, 110, 0), 1e-12);
        assertEquals(1.0, cosine.at(10, 100, 110, 0), 1e-12, "warm-up done: the full rate");
        assertEquals(0.1 + 0.45 * (1 + Math.cos(Math.PI / 4)), cosine.at(35, 100, 110, 0), 1e-12);
        assertEquals(0.55, cosine.at(60, 100, 110, 0), 1e-12, "half way: half way between the rate and its floor");
        assertEquals(0.1, cosine.at(110, 100, 110, 0), 1e-12, "the floor at the horizon");
        assertEquals(0.1, cosine.at(500, 100, 110, 0), 1e-12, "and after it");
        assertEquals(0.55, cosine.at(35, 100, 1_000_000, 0.5), 1e-12, "half the budget spent: half way, however few iterations");
        assertEquals(0.1, cosine.at(35, 100, 1_000_000, 1.0), 1e-12, "the budget spent: the floor");
        LearningRateSchedule linear = new LearningRateSchedule(TrainConfig.Schedule.LINEAR, 2.0, 0.97, 10, 0, 0.0);
        assertEquals(2.0, linear.at(0, 100, 100, 0), 1e-12);
        assertEquals(1.5, linear.at(25, 100, 100, 0), 1e-12);
        assertEquals(0.0, linear.at(100, 100, 100, 0), 1e-12);
        LearningRateSchedule step = new LearningRateSchedule(TrainConfig.Schedule.STEP, 1.0, 0.5, 2, 0, 0.1);
        assertEquals(1.0, step.at(199, 100, 1, 0), 1e-12, "char-rnn's: no decay before epoch 2 ends");
        assertEquals(0.5, step.at(200, 100, 1, 0), 1e-12);
        assertEquals(0.25, step.at(300, 100, 1, 0), 1e-12);
    }

    /** Whatever the pace, the rate never rises after the warm-up: a function of progress that only grows. */
    @Test
    void underABudgetTheRateOnlyFallsAfterTheWarmup() {
        LearningRateSchedule cosine = new LearningRateSchedule(TrainConfig.Schedule.COSINE, 3e-3, 0.97, 10, 100, 0.1);
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        double seconds = 0;
        double previous = Double.POSITIVE_INFINITY;
        for (long it = 0; it < 20_000; it++) {
            seconds += 0.01 + 0.05 * r.nextDouble(); // a noisy pace: fast and slow stretches
            double rate = cosine.at(it, 423, 21_150, Math.min(1, seconds / 580));
            if (it >= 100) assertTrue(rate <= previous, "iteration " + it + ": " + rate + " after " + previous);
            previous = rate;
        }
        assertEquals(0.1 * 3e-3, previous, 1e-15, "the floor once the budget is spent");
    }

    @Test
    void maxTimeStopsSavesAndCountsAcrossResumes() {
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(20000, 3));
        RunConfig two = TestTexts.smallConfig(text, tmp.resolve("run"), "train.max_time=2s", "train.max_epochs=10000",
                "train.eval_val_every=100000", "train.lr_schedule=cosine");
        Messages m = new Messages();
        TrainingState end;
        long wall = System.nanoTime();
        try (TrainingRun run = TrainingRun.prepare(two, TrainingRun.Mode.FRESH, null, m)) {
            end = run.run(m);
        }
        double seconds = (System.nanoTime() - wall) / 1e9;
        // The budget keeps room for the validation at its end, so the run ends at it, not past it.
        assertTrue(end.trainingSeconds() >= 1.7 && end.trainingSeconds() < 2.5 && seconds < 30, "stopped at the budget: "
                + end.trainingSeconds() + " s");
        assertTrue(end.iteration() > 20 && end.iteration() < 10000L * end.iterationsPerEpoch(), "iteration " + end.iteration());
        assertTrue(Files.exists(tmp.resolve("run/last.zip")) && Files.exists(tmp.resolve("run/best.zip")), "validated and saved");
        long lastValidation = end.validations().get(end.validations().size() - 1).iteration();
        assertTrue(end.iteration() - lastValidation <= Math.max(1, end.iteration() / 100),
                "a validation at the stop, unless one came within the last 1 %: " + lastValidation + " of " + end.iteration());
        assertEquals(end.iteration(), org.charrnn.checkpoint.CheckpointReader.read(tmp.resolve("run/last.zip"), false).state().iteration(),
                "last.zip holds the stop");
        assertTrue(m.lines.stream().anyMatch(l -> l.startsWith("train.max_time 2s reached at iteration " + end.iteration())), m.lines.toString());
        assertEquals(0.1 * 2e-3, end.learningRate(), 1e-12, "the cosine reached its floor where the budget ended the run");

        Messages again = new Messages();
        try (TrainingRun resumed = TrainingRun.prepare(two, TrainingRun.Mode.RESUME, tmp.resolve("run/last.zip"), again)) {
            assertEquals(end.iteration(), resumed.run(again).iteration(), "the budget is spent: nothing more to do");
        }
        assertTrue(again.lines.stream().anyMatch(l -> l.contains("was already spent by this run")), again.lines.toString());

        RunConfig four = TestTexts.smallConfig(text, tmp.resolve("run"), "train.max_time=4", "train.max_epochs=10000",
                "train.eval_val_every=100000", "train.lr_schedule=cosine");
        try (TrainingRun resumed = TrainingRun.prepare(four, TrainingRun.Mode.RESUME, tmp.resolve("run/last.zip"), new Messages())) {
            TrainingState more = resumed.run();
            assertTrue(more.iteration() > end.iteration(), "a larger budget continues the run");
            assertTrue(more.trainingSeconds() >= 3.7 && more.trainingSeconds() < 4.5, "time counted over both sessions: "
                    + more.trainingSeconds());
        }
    }

    @Test
    void resumeIsExactWithAScheduleAWarmupABudgetAndPatience() {
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(8000, 1));
        String[] knobs = {"train.eval_val_every=7", "train.max_epochs=2", "train.lr_schedule=cosine", "train.warmup=10",
                "train.final_lr_frac=0.05", "train.max_time=1h", "train.patience=50", "model.dropout=0.1"};
        TrainingState aEnd;
        INDArray aParams;
        try (TrainingRun a = TrainingRun.prepare(TestTexts.smallConfig(text, tmp.resolve("a"), knobs), TrainingRun.Mode.FRESH, null,
                new TrainingEvents() { })) {
            aEnd = a.run();
            aParams = a.trainer().graph().params().dup();
        }
        RunConfig b = TestTexts.smallConfig(text, tmp.resolve("b"), knobs);
        try (TrainingRun first = TrainingRun.prepare(b, TrainingRun.Mode.FRESH, null, new TrainingEvents() { })) {
            first.trainer().run(first.start(), 28);
        }
        try (TrainingRun resumed = TrainingRun.prepare(b, TrainingRun.Mode.RESUME, tmp.resolve("b/last.zip"), new TrainingEvents() { })) {
            assertEquals(28, resumed.start().iteration());
            TrainingState bEnd = resumed.run();
            assertEquals(aEnd.trainLosses(), bEnd.trainLosses(), "per-iteration losses");
            assertEquals(aEnd.validations(), bEnd.validations());
            assertEquals(aParams, resumed.trainer().graph().params(), "final parameters");
            assertEquals(aEnd.learningRate(), bEnd.learningRate(), 0.0);
        }
        assertTrue(aEnd.learningRate() < 0.1 * 2e-3, "the cosine ended near its floor: " + aEnd.learningRate());
    }

    @Test
    void patienceStopsAtTheRightValidation() {
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(20000, 5));
        // A rate far below float32's resolution leaves the weights as they are: no validation beats the first.
        RunConfig c = TestTexts.smallConfig(text, tmp.resolve("run"), "train.learning_rate=1e-30", "train.eval_val_every=5",
                "train.patience=3", "train.max_epochs=5");
        Messages m = new Messages();
        try (TrainingRun run = TrainingRun.prepare(c, TrainingRun.Mode.FRESH, null, m)) {
            TrainingState end = run.run(m);
            assertEquals(20, end.iteration(), "the first validation (5) is the best; three more without a new one, then stop");
            assertEquals(4, end.validations().size());
        }
        assertTrue(m.lines.get(m.lines.size() - 1).startsWith("early stop: no new best in 3 validations (train.patience 3); best.zip holds val loss "),
                m.lines.toString());
        assertTrue(m.lines.get(m.lines.size() - 1).endsWith("from iteration 5"), m.lines.toString());
    }

    @Test
    void adviceForAnOverfittingAndAnUnderfittingRunButNotAHealthyOne() {
        ModelConfig model = ConfigLoader.of().model();
        List<Validation> overfitting = List.of(v(1000, 1.80, 1.75), v(2000, 1.62, 1.50), v(3000, 1.60, 1.40), v(4000, 1.63, 1.30),
                v(5000, 1.66, 1.22));
        assertEquals("advice: overfitting: val loss 1.6600 is above its best 1.6000 (iteration 3000) while train loss fell to 1.2200; "
                + "raise model.dropout (now 0.0) or use a smaller model.rnn_size (now 128); best.zip keeps the best",
                Advice.afterValidation(overfitting, model).orElseThrow());
        List<Validation> underfitting = List.of(v(1000, 2.10, 2.12), v(2000, 2.095, 2.10), v(3000, 2.092, 2.09), v(4000, 2.09, 2.08));
        assertTrue(Advice.afterValidation(underfitting, model).orElseThrow().startsWith("advice: underfitting: train loss 2.0800 is about "
                + "val loss 2.0900 and both are flat over the last 3 validations; a larger model.rnn_size (now 128)"));
        List<Validation> healthy = List.of(v(1000, 1.90, 1.92), v(2000, 1.75, 1.74), v(3000, 1.66, 1.63), v(4000, 1.61, 1.56));
        assertTrue(Advice.afterValidation(healthy, model).isEmpty());
        assertTrue(Advice.afterValidation(overfitting.subList(0, 2), model).isEmpty(), "too early to tell");

        assertTrue(Advice.forSize(5_000_000, 1_000_000, model).orElseThrow().contains("expect it to overfit; set model.dropout"));
        assertTrue(Advice.forSize(200_000, 1_000_000, model).isEmpty(), "char-rnn's default on tiny-shakespeare: nothing to say");
        assertTrue(Advice.forSize(10_000, 100_000_000, model).orElseThrow().contains("expect it to underfit"));
        org.charrnn.config.TrainConfig train = ConfigLoader.of().train();
        assertEquals("advice: only 1 iteration per epoch: 4,750 training characters is little text for train.batch_size 50"
                        + " × train.seq_length 50; a smaller batch (--set train.batch_size=4) gives more updates per pass",
                Advice.forEpochLength(1, 4750, train).orElseThrow());
        assertTrue(Advice.forEpochLength(423, 1_059_624, train).isEmpty(), "tiny-shakespeare: nothing to say");
    }

    private static Validation v(long iteration, double val, double train) {
        return new Validation(iteration, iteration / 1000.0, val, train);
    }
}
