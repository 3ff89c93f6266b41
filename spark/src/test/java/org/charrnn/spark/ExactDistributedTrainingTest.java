package org.charrnn.spark;

import org.charrnn.checkpoint.TrainingState;
import org.charrnn.config.RunConfig;
import org.charrnn.testing.TestTexts;
import org.charrnn.train.CheckpointStore;
import org.charrnn.train.TrainingEvents;
import org.charrnn.train.TrainingException;
import org.charrnn.train.TrainingRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on in-process Spark workers is the same training as on one machine with the whole
 * batch: the same loss at every iteration and the same weights at the end, up to the order in
 * which float gradients are summed; across a resume either way; and through a task Spark retried.
 */
class ExactDistributedTrainingTest {
    /**
     * Sums of the same floats in another order: the losses agree to float rounding. The weights take
     * 20 updates of rounding, which plain SGD at a high rate amplifies to ~2e-4 in a vanilla RNN;
     * a gradient half missing or scaled wrong moves them by more than 1e-2 in the first update.
     */
    private static final double LOSS_TOLERANCE = 1e-5;
    private static final double WEIGHT_TOLERANCE = 1e-3;

    @TempDir
    Path tmp;

    @AfterEach
    void noInjectedFailure() {
        TaskKiller.uninstall();
    }

    /** Dropout off: a worker draws its own masks, which one machine would draw differently. */
    private static final String[] KNOBS = {"model.dropout=0", "train.eval_val_every=7"};

    private record Outcome(List<Float> losses, INDArray params, TrainingState end) {}

    private Outcome train(String dir, long stopAt, String... knobs) {
        return train(dir, stopAt, new TrainingEvents() { }, knobs);
    }

    private Outcome train(String dir, long stopAt, TrainingEvents events, String... knobs) {
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(8000, 3));
        RunConfig config = TestTexts.smallConfig(text, tmp.resolve(dir), TestTexts.prepend(knobs, KNOBS));
        try (TrainingRun run = TrainingRun.prepare(config, TrainingRun.Mode.FRESH, null, new TrainingEvents() { })) {
            TrainingState end = run.trainer().run(run.start(), stopAt, events);
            return new Outcome(end.trainLosses(), run.trainer().graph().params().dup(), end);
        }
    }

    private Outcome resume(String dir, String... knobs) {
        Path text = tmp.resolve("text.txt");
        RunConfig config = TestTexts.smallConfig(text, tmp.resolve(dir), TestTexts.prepend(knobs, KNOBS));
        try (TrainingRun run = TrainingRun.prepare(config, TrainingRun.Mode.RESUME, tmp.resolve(dir).resolve(CheckpointStore.LAST),
                new TrainingEvents() { })) {
            TrainingState end = run.run();
            return new Outcome(end.trainLosses(), run.trainer().graph().params().dup(), end);
        }
    }

    @ParameterizedTest(name = "{0} on {1} workers, {2}")
    @CsvSource({"lstm, 2, rmsprop, 0.002", "gru, 3, adam, 0.002", "rnn, 2, sgd, 0.1"})
    void workersTrainAsOneMachineDoes(String cell, int workers, String optimizer, String rate) {
        String[] knobs = {"model.type=" + cell, "train.optimizer=" + optimizer, "train.learning_rate=" + rate};
        Outcome one = train("one", 20, knobs);
        Outcome many = train("many", 20, TestTexts.prepend(new String[]{"distributed.workers=" + workers}, knobs));

        assertEquals(20, one.losses().size());
        assertClose(one.losses(), many.losses(), "per-iteration losses");
        assertWeightsClose(one.params(), many.params());
        assertEquals(one.end().validations().size(), many.end().validations().size(), "the same checkpoints were written");
        double lastFive = one.losses().subList(15, 20).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        assertTrue(lastFive < one.losses().get(0) - 0.2, "it learned: " + one.losses());
    }

    @Test
    void aRunResumesOnOneMachineFromSparkAndTheOtherWayRound() {
        // Two epochs of 44 iterations: the streams start over (state reset) inside the resumed part.
        String[] twoEpochs = {"train.max_epochs=2"};
        Outcome straight = train("straight", Long.MAX_VALUE, twoEpochs);

        train("spark-then-one", 21, TestTexts.prepend(new String[]{"distributed.workers=2"}, twoEpochs));
        Outcome sparkThenOne = resume("spark-then-one", twoEpochs);
        train("one-then-spark", 21, twoEpochs);
        Outcome oneThenSpark = resume("one-then-spark", TestTexts.prepend(new String[]{"distributed.workers=2"}, twoEpochs));

        assertEquals(88, straight.losses().size());
        assertClose(straight.losses(), sparkThenOne.losses(), "Spark for 21 iterations, then one machine");
        assertClose(straight.losses(), oneThenSpark.losses(), "one machine for 21 iterations, then Spark");
        assertWeightsClose(straight.params(), sparkThenOne.params());
        assertWeightsClose(straight.params(), oneThenSpark.params());
    }

    @Test
    void aTaskSparkRetriesGivesTheSameGradient() {
        String[] retrying = {"distributed.workers=2"}; // in-process Spark, which retries a task as a cluster does
        Outcome clean = train("clean", 12, retrying);
        TaskKiller.install();
        TrainingEvents killAtFive = new TrainingEvents() {
            @Override
            public void iteration(Progress p, org.deeplearning4j.nn.graph.ComputationGraph graph) {
                if (p.iteration() == 5) TaskKiller.killFirstAttempt(1); // worker 1's task, mid-run
            }
        };
        Outcome retried = train("retried", 12, killAtFive, retrying);
        // Two workers: a + b is the same float whichever arrives first, so the runs are bit for bit equal.
        assertEquals(clean.losses(), retried.losses());
        assertEquals(clean.params(), retried.params());
    }

    @Test
    void aMasterNobodyListensAtIsNamedInOneLine() {
        TrainingException e = assertThrows(TrainingException.class,
                () -> train("nowhere", 5, "distributed.workers=2", "distributed.master=spark://127.0.0.1:9"));
        assertTrue(e.getMessage().startsWith("distributed.master: 'spark://127.0.0.1:9' cannot be reached: 127.0.0.1:9 ("),
                e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aPortThatAnswersButIsNoMasterIsNamedInSeconds() throws Exception {
        try (java.net.ServerSocket other = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread answering = new Thread(() -> {
                while (!other.isClosed()) {
                    try (java.net.Socket s = other.accept()) {
                        s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes());
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            answering.setDaemon(true);
            answering.start();
            String master = "spark://127.0.0.1:" + other.getLocalPort();
            long t0 = System.nanoTime();
            TrainingException e = assertThrows(TrainingException.class,
                    () -> train("other", 5, "distributed.workers=2", "distributed.master=" + master));
            assertTrue(e.getMessage().startsWith("distributed.master: '" + master + "': 127.0.0.1:" + other.getLocalPort()
                    + " answers, but not as a Spark master"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 30e9, "refused before Spark's minute of retries");
        }
    }

    @Test
    void aDriverPortInUseIsNamedInOneLine() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            TrainingException e = assertThrows(TrainingException.class,
                    () -> train("taken", 5, "distributed.workers=2", "distributed.driver_port=" + taken.getLocalPort()));
            assertTrue(e.getMessage().startsWith("distributed.driver_port: cannot listen for the workers on 127.0.0.1:"
                    + taken.getLocalPort()), e.getMessage());
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            int free = probe.getLocalPort();
            probe.close();
            assertEquals(4, train("given", 4, "distributed.workers=2", "distributed.driver_port=" + free).losses().size());
        }
    }

    @Test
    void streamsAreSharedOutWholeAndNearlyEvenly() {
        assertEquals(List.of(new StreamShare(0, 0, 3), new StreamShare(1, 3, 6), new StreamShare(2, 6, 8)), StreamShare.split(8, 3));
        assertEquals(List.of(new StreamShare(0, 0, 1)), StreamShare.split(1, 1));
        assertThrows(IllegalArgumentException.class, () -> StreamShare.split(2, 3));
    }

    /** Every loss within LOSS_TOLERANCE relative of the other run's (the cluster test holds its runs to it too). */
    static void assertClose(List<Float> expected, List<Float> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": iterations");
        List<String> off = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i);
            double a = actual.get(i);
            if (Math.abs(a - e) > LOSS_TOLERANCE * Math.abs(e)) off.add("iteration " + (i + 1) + ": " + e + " vs " + a);
        }
        assertTrue(off.isEmpty(), what + " differ beyond " + LOSS_TOLERANCE + " relative: " + off);
    }

    private static void assertWeightsClose(INDArray expected, INDArray actual) {
        double largest = Transforms.abs(expected.sub(actual)).maxNumber().doubleValue();
        assertTrue(largest <= WEIGHT_TOLERANCE, "final weights differ by up to " + largest);
    }
}
