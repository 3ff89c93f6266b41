package org.charrnn.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A resume drops the history past its checkpoint only once it has committed a checkpoint of its own. */
class MetricsLogTest {
    @TempDir
    Path dir;

    private static TrainingEvents.Progress progress(long iteration) {
        return new TrainingEvents.Progress(iteration, 100, iteration / 10.0, 2.0, 1e-3, 1000, 4000, 1, iteration, 0);
    }

    private void history(long upTo) throws IOException {
        try (MetricsLog log = MetricsLog.open(dir, 0)) {
            for (long i = 1; i <= upTo; i++) {
                log.iteration(progress(i), null);
                if (i % 5 == 0) log.validated(i, i / 10.0, 1.5, 2.0, dir.resolve("last.zip"), false);
            }
        }
    }

    @Test
    void aResumeThatStopsBeforeItsFirstCheckpointLeavesTheHistoryAsItWas() throws IOException {
        history(12);
        byte[] before = Files.readAllBytes(dir.resolve(MetricsLog.FILE));
        try (MetricsLog log = MetricsLog.open(dir, 5)) {
            log.iteration(progress(6), null);
            log.iteration(progress(7), null);
        }
        assertArrayEquals(before, Files.readAllBytes(dir.resolve(MetricsLog.FILE)));
    }

    @Test
    void theCutIsMadeWhenTheResumedRunCommitsACheckpoint() throws IOException {
        history(12);
        try (MetricsLog log = MetricsLog.open(dir, 5)) {
            log.iteration(progress(6), null);
            log.validated(6, 0.6, 1.4, 2.0, dir.resolve("last.zip"), true);
        }
        List<String> lines = Files.readAllLines(dir.resolve(MetricsLog.FILE));
        assertEquals(5 + 1 + 2, lines.size(), String.join("\n", lines)); // 5 updates + a validation, then 6 and its validation
        assertTrue(lines.get(6).startsWith("{\"iteration\":6,"), lines.get(6));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("{\"iteration\":7,")));
    }

    @Test
    void aFreshLogAppendsWholeLines() throws IOException {
        history(7);
        List<String> lines = Files.readAllLines(dir.resolve(MetricsLog.FILE));
        assertEquals(7 + 1, lines.size());
        for (String l : lines) assertTrue(l.startsWith("{") && l.endsWith("}"), l);
    }
}
