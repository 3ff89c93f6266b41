package org.charrnn.train;

import org.charrnn.files.AtomicFiles;
import org.charrnn.checkpoint.CheckpointException;
import org.charrnn.checkpoint.CheckpointReader;
import org.charrnn.checkpoint.CheckpointWriter;
import org.charrnn.config.RunConfig;
import org.charrnn.testing.TestTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Full disks, divergence and concurrent runs: the run stops with one clear line and nothing saved is lost. */
class CrashSafetyTest {
    @TempDir
    Path tmp;

    private RunConfig config(String dir, String... more) {
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(6000, 2));
        return TestTexts.smallConfig(text, tmp.resolve(dir), TestTexts.prepend(more, "train.eval_val_every=5", "model.rnn_size=16"));
    }

    private Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new HashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".zip")).toList()) m.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        return m;
    }

    @Test
    void aFullDiskStopsTheRunAndKeepsEveryEarlierCheckpoint() throws IOException {
        // The disk "fills up" during the 3rd file write: checkpoint 3's last.zip (named and best are links to it).
        AtomicInteger files = new AtomicInteger();
        Map<String, byte[]> before = new HashMap<>();
        Path dir = tmp.resolve("full");
        AtomicFiles disk = new AtomicFiles(path -> {
            if (files.incrementAndGet() == 3) {
                before.putAll(snapshot(dir));
                return new FilterOutputStream(Files.newOutputStream(path)) {
                    private int written;

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if ((written += len) > 4096) throw new IOException("No space left on device");
                        out.write(b, off, len);
                    }
                };
            }
            return AtomicFiles.DEFAULT.open(path);
        });
        TrainingRun run = TrainingRun.prepare(config("full"), TrainingRun.Mode.FRESH, null, new TrainingEvents() { },
                new CheckpointWriter(disk));
        CheckpointException e = assertThrows(CheckpointException.class, run::run);
        run.close();
        assertTrue(e.getMessage().matches("cannot write checkpoint " + java.util.regex.Pattern.quote(dir.toString())
                + "/(lm_lstm_epoch0\\.45_\\d\\.\\d{4}|last|best)\\.zip: .*"), e.getMessage());
        assertTrue(e.getMessage().endsWith(": the disk is full; earlier checkpoints are untouched"), e.getMessage());
        Map<String, byte[]> after = snapshot(dir);
        assertEquals(before.keySet(), after.keySet(), "no new file under a final name");
        before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name + " untouched"));
        for (String name : after.keySet()) CheckpointReader.read(dir.resolve(name), false);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".tmp")).toList(), "no partial file");
        }
        assertEquals(10, CheckpointReader.read(dir.resolve("last.zip"), false).state().iteration());
    }

    @Test
    void divergenceStopsWithTheIterationAndKeepsTheLastGoodCheckpoint() throws IOException {
        // Plain SGD at a huge rate without clipping blows the loss up within a few updates.
        RunConfig c = config("diverge", "train.optimizer=sgd", "train.learning_rate=90", "train.grad_clip=0",
                "train.eval_val_every=1");
        try (TrainingRun run = TrainingRun.prepare(c, TrainingRun.Mode.FRESH, null, new TrainingEvents() { })) {
            TrainingException e = assertThrows(TrainingException.class, run::run);
            assertTrue(e.getMessage().matches("training diverged at iteration \\d+: (loss \\d+\\.\\d{4}|the parameters are no longer finite|loss (NaN|Infinity)).*"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("train.learning_rate"), e.getMessage());
        }
        Path last = tmp.resolve("diverge/last.zip");
        if (Files.exists(last)) {
            double p = CheckpointReader.read(last, false).graph().params().sumNumber().doubleValue();
            assertTrue(Double.isFinite(p), "the kept checkpoint is a good one");
        }
    }

    @Test
    void aSecondRunOnTheSameDirectoryIsRefusedUntilTheFirstEnds() {
        RunConfig c = config("busy");
        try (TrainingRun first = TrainingRun.prepare(c, TrainingRun.Mode.FRESH, null, new TrainingEvents() { })) {
            TrainingException e = assertThrows(TrainingException.class,
                    () -> TrainingRun.prepare(c, TrainingRun.Mode.FRESH, null, new TrainingEvents() { }));
            assertTrue(e.getMessage().startsWith(tmp.resolve("busy") + " is in use by another training run (pid "
                    + ProcessHandle.current().pid() + ", since "), e.getMessage());
            assertTrue(e.getMessage().endsWith("); wait for it to finish, or use another train.checkpoint_dir"), e.getMessage());
            first.trainer().run(first.start(), 5);
        }
        // Released: the next run gets past the lock (and is then refused only because a run is there to resume).
        String m = assertThrows(org.charrnn.config.ConfigException.class,
                () -> TrainingRun.prepare(c, TrainingRun.Mode.FRESH, null, new TrainingEvents() { })).getMessage();
        assertTrue(m.contains("already holds a training run"), m);
    }
}
