package org.charrnn.train;

import org.charrnn.checkpoint.Checkpoint;
import org.charrnn.checkpoint.CheckpointReader;
import org.charrnn.checkpoint.TrainingState;
import org.charrnn.config.ConfigException;
import org.charrnn.config.ConfigLoader;
import org.charrnn.config.ModelConfig;
import org.charrnn.config.RunConfig;
import org.charrnn.testing.TestTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** model.size: auto — the width chosen from a measured pace, the dropout from the text, kept on resume. */
class ModelSizerTest {
    @TempDir
    Path tmp;

    /** A 2-layer GRU over 65 symbols: 3 gates, input and recurrent weights, biases, then the output layer. */
    private static final IntToLongFunction GRU_2 = w -> 3L * (65L * w + w * (long) w + 2L * w) + 3L * (w * (long) w * 2 + 2L * w)
            + 65L * w + 65;

    /** A machine whose seconds per character grow along a straight line in the parameters, as the probes assume. */
    private static ModelSizer.Pace machine(double fixed, double perParameter, List<Integer> probed) {
        return new ModelSizer.Pace(w -> {
            probed.add(w);
            return fixed + perParameter * GRU_2.applyAsLong(w);
        });
    }

    private static ModelSizer.Choice choose(ModelSizer.Pace pace, double budget, long trainChars) {
        return ModelSizer.choose(pace, GRU_2, w -> true, budget, () -> 0, trainChars, ModelSizer.EPOCHS);
    }

    private static double charsPerParameter(int width, double fixed, double perParameter, double budget) {
        return budget * (1 - ModelSizer.OVERHEAD) / (fixed + perParameter * GRU_2.applyAsLong(width)) / GRU_2.applyAsLong(width);
    }

    @Test
    void onALargeTextChoosesTheWidestModelTheBudgetBuysTwentyCharactersAParameterFor() {
        double fixed = 2e-6;
        double perParameter = 5e-11; // about 30,000 chars/s at 2×256
        List<Integer> probed = new ArrayList<>();
        ModelSizer.Choice c = choose(machine(fixed, perParameter, probed), 580, 1_000_000_000L);
        assertEquals(0, c.rnnSize() % ModelSizer.GRAIN);
        assertTrue(charsPerParameter(c.rnnSize(), fixed, perParameter, 580) >= ModelSizer.CHARS_PER_PARAMETER, c.toString());
        assertTrue(charsPerParameter(c.rnnSize() + ModelSizer.GRAIN, fixed, perParameter, 580) < ModelSizer.CHARS_PER_PARAMETER,
                "one step wider would not get its characters: " + c);
        assertTrue(probed.containsAll(List.of(128, 512)) && probed.contains(c.rnnSize()) && probed.size() == 3,
                "two probes, then the choice itself: " + probed);
        assertEquals(0.0, c.dropout(), "a text much larger than the model needs no dropout");
        assertEquals(580 * (1 - ModelSizer.OVERHEAD) / (fixed + perParameter * c.parameters()), c.budgetChars(), 1);
    }

    @Test
    void aFasterMachineOrALongerBudgetBuysAWiderModel() {
        List<Integer> ignored = new ArrayList<>();
        int slow = choose(machine(4e-6, 1e-10, ignored), 580, 1_000_000_000L).rnnSize();
        int fast = choose(machine(2e-6, 5e-11, ignored), 580, 1_000_000_000L).rnnSize();
        int longer = choose(machine(4e-6, 1e-10, ignored), 1800, 1_000_000_000L).rnnSize();
        assertTrue(fast > slow && longer > slow, "slow " + slow + ", twice as fast " + fast + ", three times the budget " + longer);
    }

    @Test
    void aSmallTextCapsTheModelAndRaisesItsDropout() {
        List<Integer> ignored = new ArrayList<>();
        long text = 200_000;
        ModelSizer.Choice c = choose(machine(1e-7, 1e-12, ignored), 3600, text); // a fast machine, an hour: the text is the limit
        assertTrue(c.parameters() <= ModelSizer.MAX_PARAMETERS_PER_CHAR * text, c.toString());
        assertTrue(GRU_2.applyAsLong(c.rnnSize() + ModelSizer.GRAIN) > ModelSizer.MAX_PARAMETERS_PER_CHAR * text, c.toString());
        assertEquals(273_985, c.parameters(), "2×160: 2×192 would be more than 1.9 parameters a training character");
        assertEquals(0.2, c.dropout(), 1e-12, "1.4 parameters a training character: 2×384's on tiny-shakespeare");
        assertTrue(c.textLimited(), c.toString());
        assertEquals(ModelSizer.EPOCHS, c.epochs(), "the hour buys far more epochs than the recipe's: the schedule ends at its 8");
    }

    @Test
    void onASmallTextChoosesTheWidestModelTheBudgetTrainsForEightEpochsWithTheMeasuredDropout() {
        long shakespeare = 1_059_624; // the training split at 95 %
        List<Integer> ignored = new ArrayList<>();
        // pace lines chosen so the budget buys eight epochs of the text at 2×256 and at 2×384, and not one step wider:
        // dropout 0.1 and 0.2, as the recipe search found
        for (int[] expect : new int[][]{{256, 10}, {384, 20}}) {
            int w = expect[0];
            double perParameter = 580 * (1 - ModelSizer.OVERHEAD) / (8.01 * shakespeare * GRU_2.applyAsLong(w));
            ModelSizer.Choice c = choose(machine(0, perParameter, ignored), 580, shakespeare);
            assertEquals(w, c.rnnSize(), c.toString());
            assertEquals(expect[1] / 100.0, c.dropout(), 1e-12, c.toString());
            assertFalse(c.textLimited(), "the budget, not the text, limits the width");
            assertEquals(8, c.epochs(), "a machine faster than its probes stops at the eight epochs the width was sized for");
        }
    }

    /** The first probe of a process timed while the JIT compiled (twenty times too slow): no width looks cheaper than a narrower one. */
    @Test
    void aDisturbedProbeDoesNotMakeAWiderModelLookCheaper() {
        List<Integer> probed = new ArrayList<>();
        ModelSizer.Pace pace = new ModelSizer.Pace(w -> {
            double truth = 2e-6 + 5e-11 * GRU_2.applyAsLong(w);
            boolean first = probed.isEmpty();
            probed.add(w);
            return first ? 20 * truth : truth;
        });
        pace.at(128);
        pace.at(512);
        for (int w = 544; w <= 1024; w += 32) {
            assertTrue(pace.secondsPerChar(w, GRU_2) >= 2e-6 + 5e-11 * GRU_2.applyAsLong(w) - 1e-12,
                    w + ": " + pace.secondsPerChar(w, GRU_2));
        }
    }

    @Test
    void aModelThatWouldNotFitIsNeitherProbedNorChosen() {
        List<Integer> probed = new ArrayList<>();
        ModelSizer.Choice c = ModelSizer.choose(machine(1e-7, 1e-12, probed), GRU_2, w -> w <= 200, 3600, () -> 0, 1_000_000_000L, ModelSizer.EPOCHS);
        assertEquals(192, c.rnnSize());
        assertTrue(probed.stream().allMatch(w -> w <= 200), probed.toString());
    }

    @Test
    void anAutoSizedRunSaysWhatItChoseRecordsItAndResumesWithIt() {
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(4_000_000, 5)); // more than the budget trains in one epoch: the budget ends the run
        RunConfig auto = ConfigLoader.parse("model:\n  size: auto\n  rnn_size: 100\n  num_layers: 1\n", "auto.yaml", "auto",
                List.of("data.input=" + text, "train.checkpoint_dir=" + tmp.resolve("run"), "train.batch_size=8",
                        "train.seq_length=20", "train.max_time=8s", "train.max_epochs=10000", "train.eval_val_every=100000",
                        "train.val_chars=20000", "train.print_every=1000", "data.train_frac=0.9", "data.val_frac=0.1"));
        BudgetScheduleTest.Messages m = new BudgetScheduleTest.Messages();
        TrainingState end;
        try (TrainingRun run = TrainingRun.prepare(auto, TrainingRun.Mode.FRESH, null, m)) {
            end = run.run(m);
        }
        String said = m.lines.stream().filter(l -> l.startsWith("model.size auto: 1 × ")).findFirst().orElseThrow(() ->
                new AssertionError(m.lines.toString()));
        Checkpoint saved = CheckpointReader.read(tmp.resolve("run/last.zip"), false);
        int width = saved.config().model().rnnSize();
        assertTrue(said.startsWith("model.size auto: 1 × " + width + " lstm, dropout "), said);
        assertEquals(0, width % ModelSizer.GRAIN, said);
        assertEquals(ModelConfig.Sizing.AS_SET, saved.config().model().size(), "the checkpoint's config holds the size chosen, fixed");
        assertTrue(said.contains(String.format(java.util.Locale.ROOT, "dropout %.2f", saved.config().model().dropout())), said);
        assertTrue(end.trainingSeconds() < 9, "measuring counts in the budget: " + end.trainingSeconds());
        java.util.regex.Matcher planned = java.util.regex.Pattern.compile("train\\.max_epochs (\\d+), should the machine turn out faster")
                .matcher(said);
        assertTrue(planned.find(), "the budget limits the width, and the run ends at the epochs it buys at the latest: " + said);
        int epochs = Integer.parseInt(planned.group(1));
        assertEquals(epochs, saved.config().train().maxEpochs(), "the checkpoint records where the schedule ends");

        BudgetScheduleTest.Messages again = new BudgetScheduleTest.Messages();
        try (TrainingRun resumed = TrainingRun.prepare(auto.with("train.max_time=11s"), TrainingRun.Mode.RESUME,
                tmp.resolve("run/last.zip"), again)) {
            assertEquals(width, resumed.trainer().config().model().rnnSize());
            assertTrue(resumed.run(again).iteration() > end.iteration(), "a resume continues the chosen model");
        }
        assertTrue(again.lines.contains(String.format(java.util.Locale.ROOT, "model.size auto: keeping the checkpoint's 1 × %d,"
                + " dropout %.2f, train.max_epochs %d", width, saved.config().model().dropout(), epochs)), again.lines.toString());
    }

    /** A text too small for the width the budget affords: the recipe's epochs, not the budget's many more that overfit. */
    @Test
    void onATextTooSmallForTheBudgetTheRunEndsAtTheRecipesEpochsAndItsResumeKeepsThatEnd() {
        Path text = TestTexts.write(tmp, "small.txt", TestTexts.grammar(20000, 5));
        RunConfig auto = ConfigLoader.parse("model:\n  size: auto\n  rnn_size: 100\n  num_layers: 1\n", "auto.yaml", "auto",
                List.of("data.input=" + text, "train.checkpoint_dir=" + tmp.resolve("small"), "train.batch_size=8",
                        "train.seq_length=20", "train.max_time=30s", "train.max_epochs=10000", "train.eval_val_every=100000",
                        "train.print_every=1000", "data.train_frac=0.9", "data.val_frac=0.1"));
        BudgetScheduleTest.Messages m = new BudgetScheduleTest.Messages();
        TrainingState end;
        try (TrainingRun run = TrainingRun.prepare(auto, TrainingRun.Mode.FRESH, null, m)) {
            assertEquals((int) ModelSizer.EPOCHS, run.config().train().maxEpochs(), m.lines.toString());
            end = run.run(m);
        }
        String said = m.lines.stream().filter(l -> l.startsWith("model.size auto: 1 × ")).findFirst().orElseThrow(() ->
                new AssertionError(m.lines.toString()));
        assertTrue(said.contains("feeds no wider model") && said.contains("the run ends after 8 epochs (train.max_epochs 8)"), said);
        assertEquals(8.0, end.epoch(), 1e-9, "the schedule ended at the recipe's epochs, well inside the budget");
        assertTrue(end.trainingSeconds() < 30, "" + end.trainingSeconds());
        Checkpoint saved = CheckpointReader.read(tmp.resolve("small/last.zip"), false);
        assertEquals(8, saved.config().train().maxEpochs());

        BudgetScheduleTest.Messages again = new BudgetScheduleTest.Messages();
        try (TrainingRun resumed = TrainingRun.prepare(auto, TrainingRun.Mode.RESUME, tmp.resolve("small/last.zip"), again)) {
            assertEquals(8, resumed.config().train().maxEpochs(), "the yaml's 10000 does not reopen the finished schedule");
            assertEquals(end.iteration(), resumed.run(again).iteration());
        }
        assertTrue(again.lines.stream().anyMatch(l -> l.startsWith("model.size auto: keeping the checkpoint's 1 × ")
                && l.endsWith("train.max_epochs 8")), again.lines.toString());
    }

    @Test
    void theRecipesEpochsFollowTheCell() {
        assertEquals(ModelSizer.EPOCHS, ModelSizer.recipeEpochs(ConfigLoader.of("model.type=lstm").model()));
        assertEquals(ModelSizer.LAYER_NORM_EPOCHS, ModelSizer.recipeEpochs(ConfigLoader.of("model.type=gru", "model.layer_norm=true").model()));
        assertEquals(ModelSizer.LAYER_NORM_LSTM_EPOCHS,
                ModelSizer.recipeEpochs(ConfigLoader.of("model.type=lstm", "model.layer_norm=true").model()));
    }

    @Test
    void autoNeedsABudgetAndOneMachine() {
        ConfigException none = assertThrows(ConfigException.class, () -> ConfigLoader.of("model.size=auto"));
        assertTrue(none.getMessage().contains("train.max_time is none"), none.getMessage());
        ConfigException spark = assertThrows(ConfigException.class, () -> ConfigLoader.of("model.size=auto",
                "train.max_time=10m", "distributed.workers=2"));
        assertTrue(spark.getMessage().contains("not a Spark cluster's"), spark.getMessage());
        ConfigException both = assertThrows(ConfigException.class, () -> ConfigLoader.of("model.size=auto",
                "train.max_time=10m", "model.rnn_size=64"));
        assertTrue(both.getMessage().contains("give one or the other"), both.getMessage());
    }

    /** The quickstart's auto, with a size, a dropout, no budget or a cluster given on the command line: the model as set. */
    @Test
    void aConfigsAutoYieldsToTheCommandLine() {
        String file = "model:\n  size: auto\n  rnn_size: 256\ntrain:\n  max_time: 9m40s\n";
        assertEquals(ModelConfig.Sizing.AUTO, ConfigLoader.parse(file, "q.yaml", "q", List.of()).model().size());
        for (String given : List.of("model.rnn_size=64", "model.dropout=0.3", "train.max_time=0", "distributed.workers=2")) {
            RunConfig c = ConfigLoader.parse(file, "q.yaml", "q", List.of(given));
            assertEquals(ModelConfig.Sizing.AS_SET, c.model().size(), given);
        }
        assertEquals(64, ConfigLoader.parse(file, "q.yaml", "q", List.of("model.rnn_size=64")).model().rnnSize());
    }

    /** A layer-normalised cell learns more per update and overfits sooner: a wider model, for six epochs instead of eight. */
    @Test
    void layerNormTrainsAWiderModelForFewerEpochs() {
        long shakespeare = 1_059_624;
        double perParameter = 4.5e-11; // 2×384 for eight epochs in the ten-minute budget
        ModelSizer.Choice plain = choose(machine(0, perParameter, new ArrayList<>()), 580, shakespeare);
        ModelSizer.Choice normalised = ModelSizer.choose(machine(0, perParameter, new ArrayList<>()), GRU_2, w -> true, 580, () -> 0,
                shakespeare, ModelSizer.LAYER_NORM_EPOCHS);
        assertEquals(384, plain.rnnSize(), plain.toString());
        assertTrue(normalised.rnnSize() > plain.rnnSize(), plain + " / " + normalised);
        for (double[] c : new double[][]{{ModelSizer.EPOCHS, plain.budgetChars()}, {ModelSizer.LAYER_NORM_EPOCHS, normalised.budgetChars()}}) {
            double epochs = c[1] / shakespeare;
            assertTrue(epochs >= c[0] && epochs < c[0] * 1.25, epochs + " epochs for a target of " + c[0]);
        }
        assertTrue(normalised.dropout() > plain.dropout(), "the rule's dropout grows with the width: " + plain + " / " + normalised);
    }
}
