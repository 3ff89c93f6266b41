package org.charrnn.train;

import org.charrnn.config.RunConfig;
import org.charrnn.testing.TestTexts;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pace a run reports is the one a watch measures: a listener that takes 15 ms after every update
 * slows the run, and the reported chars/s, the Done line's figure and where the time went all say so,
 * while the updates' own pace (update_chars_per_s) stays what the updates alone run at.
 */
class HonestPaceTest {
    @TempDir
    Path tmp;

    private static final long SLOW_MS = 15;

    @Test
    void aSlowListenerSlowsTheReportedPace() {
        Path text = TestTexts.write(tmp, "grammar.txt", TestTexts.grammar(40000, 5));
        RunConfig c = TestTexts.smallConfig(text, tmp.resolve("run"), "train.max_epochs=1", "train.batch_size=8",
                "train.seq_length=25", "model.rnn_size=32", "train.eval_val_every=100000", "sample.every=0");
        List<TrainingEvents.Progress> seen = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        TrainingEvents.Session[] session = new TrainingEvents.Session[1];
        TrainingEvents slow = new TrainingEvents() {
            @Override
            public void iteration(Progress p, ComputationGraph graph) {
                seen.add(p);
                at.add(System.nanoTime());
                try {
                    Thread.sleep(SLOW_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void ended(Session s) {
                session[0] = s;
            }
        };
        try (TrainingRun run = TrainingRun.prepare(c, TrainingRun.Mode.FRESH, null, new TrainingEvents() { })) {
            run.trainer().run(run.start(), slow);
        }
        int n = seen.size();
        assertTrue(n > 60, n + " updates");
        long chars = 8L * 25;
        // What a watch says over the run's second half: updates between two listener calls, wall clock between them.
        int from = n / 2;
        double watched = (n - 1 - from) * chars / ((at.get(n - 1) - at.get(from)) / 1e9);
        double reported = seen.get(n - 1).charsPerSecond();
        assertTrue(watched < chars / (SLOW_MS / 1000.0), "the listener's sleep bounds the pace: " + watched);
        assertEquals(watched, reported, 0.15 * watched, "reported " + reported + " chars/s, the watch " + watched);
        // The pace from metrics.jsonl's own columns: iterations and elapsed_s.
        TrainingEvents.Progress a = seen.get(from);
        TrainingEvents.Progress b = seen.get(n - 1);
        double fromElapsed = (b.iteration() - a.iteration()) * chars / (b.elapsedSeconds() - a.elapsedSeconds());
        assertEquals(watched, fromElapsed, 0.15 * watched, "iterations over elapsed_s");
        assertTrue(b.updateCharsPerSecond() > 2 * reported, "the updates alone run faster: " + b.updateCharsPerSecond()
                + " against " + reported);
        TrainingEvents.Session s = session[0];
        assertEquals(n, s.iterations());
        assertEquals(s.charsPerSecond(), n * chars / s.wallSeconds(), 1e-6 * s.charsPerSecond());
        assertTrue(s.share(s.otherSeconds()) > 0.5, "the listener's time is the loop's other work: " + s);
        assertTrue(s.updateSeconds() < s.wallSeconds() / 2, s.toString());
    }
}
