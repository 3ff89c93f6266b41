package org.charrnn.spark;

import org.charrnn.checkpoint.TrainingState;
import org.charrnn.config.RunConfig;
import org.charrnn.testing.TestTexts;
import org.charrnn.train.CheckpointStore;
import org.charrnn.train.StepFailure;
import org.charrnn.train.TrainingEvents;
import org.charrnn.train.TrainingRun;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on a real standalone cluster (a master and two workers, each its own JVM, executors
 * started by the workers) is the training one machine does; a worker killed mid-run costs nothing,
 * and losing every worker saves the last applied update, from which one machine goes on exactly.
 */
class ClusterTrainingTest {
    private static final String[] KNOBS = {"model.dropout=0", "train.eval_val_every=7", "model.type=lstm"};

    @TempDir
    Path tmp;

    private RunConfig config(String dir, String... knobs) {
        Path text = tmp.resolve("text.txt");
        if (!Files.exists(text)) TestTexts.write(tmp, "text.txt", TestTexts.grammar(8000, 3));
        return TestTexts.smallConfig(text, tmp.resolve(dir), TestTexts.prepend(knobs, KNOBS));
    }

    private List<Float> train(RunConfig config, TrainingRun.Mode mode, long stopAt, TrainingEvents events) {
        Path last = mode == TrainingRun.Mode.RESUME ? Path.of(config.train().checkpointDir()).resolve(CheckpointStore.LAST) : null;
        try (TrainingRun run = TrainingRun.prepare(config, mode, last, new TrainingEvents() { })) {
            TrainingState end = run.trainer().run(run.start(), stopAt, events);
            return end.trainLosses();
        }
    }

    @Test
    void twentyIterationsOnAMasterAndTwoWorkersAreOneMachinesTwenty() {
        List<Float> one = train(config("one"), TrainingRun.Mode.FRESH, 20, new TrainingEvents() { });
        List<Float> cluster;
        try (StandaloneCluster c = StandaloneCluster.start(tmp, 2, 1)) {
            cluster = train(config("cluster", "distributed.workers=2", "distributed.master=" + c.masterUrl()),
                    TrainingRun.Mode.FRESH, 20, new TrainingEvents() { });
        }
        ExactDistributedTrainingTest.assertClose(one, cluster, "a master and two workers against one machine");
    }

    @Test
    void aKilledWorkerLosesNothingAndLosingThemAllSavesTheLastUpdate() {
        List<Float> straight = train(config("straight"), TrainingRun.Mode.FRESH, 20, new TrainingEvents() { });
        RunConfig onCluster;
        StepFailure failure;
        // Two cores a worker: when one goes, the other has a core free for the lost task.
        try (StandaloneCluster c = StandaloneCluster.start(tmp, 2, 2)) {
            onCluster = config("cluster", "distributed.workers=2", "distributed.master=" + c.masterUrl(), "distributed.executor_wait=15s");
            // kill -9 of worker 1 after update 5 (its tasks start again on worker 2), of worker 2 after update 11.
            Map<Long, Integer> kills = Map.of(5L, 1, 11L, 2);
            TrainingEvents killer = new TrainingEvents() {
                @Override
                public void iteration(Progress p, ComputationGraph graph) {
                    Integer worker = kills.get(p.iteration());
                    if (worker != null) c.killWorker(worker);
                }
            };
            failure = assertThrows(StepFailure.class, () -> train(onCluster, TrainingRun.Mode.FRESH, 20, killer));
        }
        assertTrue(failure.getMessage().contains("and Spark has not started it again within 15 s"), failure.getMessage());
        assertEquals(11, failure.lastApplied(), "the updates before the failed step are kept");
        assertEquals(tmp.resolve("cluster").resolve(CheckpointStore.LAST), failure.saved());

        RunConfig alone = config("cluster", "distributed.workers=0");
        List<Float> resumed = train(alone, TrainingRun.Mode.RESUME, 20, new TrainingEvents() { });
        ExactDistributedTrainingTest.assertClose(straight, resumed, "2 workers, one killed after update 5, both after 11, then one machine");
    }
}
