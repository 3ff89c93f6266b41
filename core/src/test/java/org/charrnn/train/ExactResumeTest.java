package org.charrnn.train;

import org.charrnn.checkpoint.TrainingState;
import org.charrnn.config.RunConfig;
import org.charrnn.eval.Evaluator;
import org.charrnn.testing.TestTexts;
import org.charrnn.checkpoint.Checkpoint;
import org.charrnn.checkpoint.CheckpointReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run stopped at a checkpoint and resumed equals an uninterrupted run, loss for loss, bit for bit, for every cell. */
class ExactResumeTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn", "gru+layer_norm", "lstm+layer_norm"})
    void resumedRunRepeatsTheUninterruptedOneExactly(String cell) {
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(8000, 1));
        // Mid-epoch checkpoints (every 7 of 45 iterations), dropout on (the RNG must resume too),
        // Adam (its bias correction depends on the restored iteration count), LR decay after epoch 1.
        String[] knobs = {"model.type=" + cell.split("\\+")[0], "model.layer_norm=" + cell.endsWith("+layer_norm"),
                "train.eval_val_every=7", "model.dropout=0.25", "train.optimizer=adam", "train.max_epochs=2",
                "train.learning_rate_decay=0.5", "train.learning_rate_decay_after=1"};

        RunConfig straight = TestTexts.smallConfig(text, tmp.resolve("straight"), knobs);
        TrainingState aEnd;
        INDArray aParams;
        try (TrainingRun a = TrainingRun.prepare(straight, TrainingRun.Mode.FRESH, null, new TrainingEvents() { })) {
            aEnd = a.run();
            aParams = a.trainer().graph().params().dup();
        }

        RunConfig interrupted = TestTexts.smallConfig(text, tmp.resolve("interrupted"), knobs);
        try (TrainingRun b = TrainingRun.prepare(interrupted, TrainingRun.Mode.FRESH, null, new TrainingEvents() { })) {
            b.trainer().run(b.start(), 21); // a checkpoint is written at 21, mid-epoch
        }
        TrainingRun resumed = TrainingRun.prepare(interrupted, TrainingRun.Mode.RESUME,
                tmp.resolve("interrupted").resolve(CheckpointStore.LAST), new TrainingEvents() { });
        assertEquals(21, resumed.start().iteration());
        assertTrue(resumed.start().carried().size() == 2, "the mid-epoch checkpoint carries both layers' state");
        TrainingState bEnd = resumed.run();

        assertTrue(aEnd.iteration() > 45, "two epochs ran: " + aEnd.iteration());
        assertEquals(aEnd.trainLosses(), bEnd.trainLosses(), "per-iteration losses");
        assertEquals(aParams, resumed.trainer().graph().params(), "final parameters");
        assertEquals(aEnd.validations(), bEnd.validations());
        resumed.close();
        assertNotEquals(aEnd.trainLosses().get(0), aEnd.trainLosses().get(aEnd.trainLosses().size() - 1));
    }

    @Test
    void averagedWeightsResumeExactlyAndAreWhatCheckpointsHold() {
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(8000, 1));
        // 45 iterations an epoch, two epochs: the mean starts at 30 % of the schedule (iteration ~27), before the stop at 35.
        String[] knobs = {"model.type=gru", "train.eval_val_every=7", "model.dropout=0.25", "train.max_epochs=2",
                "train.lr_schedule=cosine", "train.average_from=0.3"};

        TrainingState aEnd;
        INDArray aTraining;
        Trainer straight;
        try (TrainingRun a = TrainingRun.prepare(TestTexts.smallConfig(text, tmp.resolve("straight"), knobs), TrainingRun.Mode.FRESH,
                null, new TrainingEvents() { })) {
            aEnd = a.run();
            aTraining = a.trainer().graph().params().dup();
            straight = a.trainer();
        }
        RunConfig interrupted = TestTexts.smallConfig(text, tmp.resolve("interrupted"), knobs);
        try (TrainingRun b = TrainingRun.prepare(interrupted, TrainingRun.Mode.FRESH, null, new TrainingEvents() { })) {
            TrainingState at35 = b.trainer().run(b.start(), 35);
            assertTrue(at35.averagedUpdates() > 0 && at35.averagedUpdates() < 35, "averaging began before the stop: " + at35.averagedUpdates());
        }
        TrainingState bEnd;
        INDArray bTraining;
        try (TrainingRun resumed = TrainingRun.prepare(interrupted, TrainingRun.Mode.RESUME,
                tmp.resolve("interrupted").resolve(CheckpointStore.LAST), new TrainingEvents() { })) {
            assertEquals(35, resumed.start().iteration());
            bEnd = resumed.run();
            bTraining = resumed.trainer().graph().params().dup();
        }
        assertEquals(aEnd.trainLosses(), bEnd.trainLosses(), "per-iteration losses");
        assertEquals(aEnd.validations(), bEnd.validations(), "validations (scored on the mean)");
        assertEquals(aEnd.averagedUpdates(), bEnd.averagedUpdates());
        assertEquals(aTraining, bTraining, "training weights");

        Path last = tmp.resolve("straight").resolve(CheckpointStore.LAST);
        Checkpoint forUse = CheckpointReader.read(last, false);
        Checkpoint forResume = CheckpointReader.read(last, true);
        assertEquals(forUse.graph().params(), CheckpointReader.read(tmp.resolve("interrupted").resolve(CheckpointStore.LAST), false)
                .graph().params(), "the same mean in both runs' last checkpoints");
        assertEquals(aTraining, forResume.graph().params(), "a resume reads the training weights");
        assertEquals(forUse.graph().params(), forResume.averagedWeights(), "... with the mean beside them");
        assertNotEquals(aTraining, forUse.graph().params(), "the checkpoint's network is the mean, not the last weights");
        double meanLoss = Evaluator.evaluate(forUse.graph(), straight.corpus(), straight.validated(), straight.config().train().batchSize(),
                straight.config().train().seqLength()).natsPerChar();
        assertEquals(aEnd.validations().get(aEnd.validations().size() - 1).loss(), meanLoss, 1e-9, "the last validation scored the mean");
    }
}
