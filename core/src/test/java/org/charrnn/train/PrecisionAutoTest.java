package org.charrnn.train;

import org.charrnn.checkpoint.Checkpoint;
import org.charrnn.checkpoint.CheckpointReader;
import org.charrnn.config.ModelConfig;
import org.charrnn.config.RunConfig;
import org.charrnn.model.kernel.KernelChoice;
import org.charrnn.testing.TestTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** model.precision: auto runs what this CPU runs best, says so, records it, and a resume keeps what was recorded. */
class PrecisionAutoTest {
    @TempDir
    Path tmp;

    @Test
    void autoBecomesTheMachinesPrecisionAndAResumeKeepsIt() {
        ModelConfig.Precision expected = KernelChoice.nativeBf16() ? ModelConfig.Precision.BF16 : ModelConfig.Precision.F32;
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(6000, 2));
        RunConfig auto = TestTexts.smallConfig(text, tmp.resolve("run"), "model.type=gru", "model.precision=auto",
                "train.eval_val_every=5");
        BudgetScheduleTest.Messages m = new BudgetScheduleTest.Messages();
        try (TrainingRun run = TrainingRun.prepare(auto, TrainingRun.Mode.FRESH, null, m)) {
            assertEquals(expected, run.trainer().config().model().precision());
            run.trainer().run(run.start(), 5);
        }
        assertTrue(m.lines.stream().anyMatch(l -> l.startsWith("model.precision auto: " + expected + " (")), m.lines.toString());
        Checkpoint saved = CheckpointReader.read(tmp.resolve("run/last.zip"), false);
        assertEquals(expected, saved.config().model().precision(), "the run's config records what ran");

        try (TrainingRun resumed = TrainingRun.prepare(auto, TrainingRun.Mode.RESUME, tmp.resolve("run/last.zip"),
                new BudgetScheduleTest.Messages())) {
            assertEquals(expected, resumed.trainer().config().model().precision());
            assertTrue(resumed.trainer().run(resumed.start(), 8).iteration() == 8);
        }
    }

    @Test
    void stockLayersTakeFloat32() {
        RunConfig auto = TestTexts.smallConfig(TestTexts.write(tmp, "t.txt", TestTexts.grammar(6000, 2)), tmp.resolve("stock"),
                "model.type=lstm", "model.core=stock", "model.precision=auto");
        try (TrainingRun run = TrainingRun.prepare(auto, TrainingRun.Mode.FRESH, null, new BudgetScheduleTest.Messages())) {
            assertEquals(ModelConfig.Precision.F32, run.trainer().config().model().precision());
        }
    }
}
