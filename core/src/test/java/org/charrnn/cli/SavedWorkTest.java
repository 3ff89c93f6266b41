package org.charrnn.cli;

import org.charrnn.testing.TestTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Commands that would replace saved work are refused, and every file already saved stays byte-identical. */
class SavedWorkTest {
    @TempDir
    Path tmp;

    private Path config(String name, Path text) throws IOException {
        return Files.writeString(tmp.resolve(name + ".yaml"), String.join("\n", "data:", "  input: " + text,
                "model:", "  rnn_size: 8", "  num_layers: 1", "train:", "  batch_size: 4", "  seq_length: 16",
                "  max_epochs: 1", "  eval_val_every: 20", "  print_every: 1000", "  checkpoint_dir: " + tmp.resolve(name),
                "sample:", "  every: 0", ""));
    }

    private Path trained(String name) throws IOException {
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(4000, 2));
        Path cfg = config(name, text);
        CliRunner.Result r = CliRunner.run("train", cfg.toString());
        assertEquals(0, r.code(), r.err());
        return cfg;
    }

    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) m.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        return m;
    }

    private static void assertUnchanged(Map<String, byte[]> before, Path dir) throws IOException {
        Map<String, byte[]> after = snapshot(dir);
        after.remove(".lock");
        before.remove(".lock");
        assertEquals(before.keySet(), after.keySet(), "the same files");
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " byte-identical"));
    }

    @Test
    void resumingAnotherRunsCheckpointIntoAFinishedRunIsRefused() throws IOException {
        Path a = trained("a");
        trained("b");
        Map<String, byte[]> before = snapshot(tmp.resolve("a"));
        CliRunner.Result r = CliRunner.run("train", a.toString(), "--resume", tmp.resolve("b/last.zip").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.message().startsWith("cannot resume " + tmp.resolve("b/last.zip") + " into " + tmp.resolve("a")
                + ": that directory holds another run"), r.message());
        assertUnchanged(before, tmp.resolve("a"));
    }

    @Test
    void aFreshRunIntoADirectoryWithoutLastZipButWithABestIsRefused() throws IOException {
        Path a = trained("a");
        Files.delete(tmp.resolve("a/last.zip"));
        Map<String, byte[]> before = snapshot(tmp.resolve("a"));
        assertTrue(before.containsKey("best.zip") && before.containsKey("metrics.jsonl"));
        CliRunner.Result r = CliRunner.run("train", a.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.message().startsWith(tmp.resolve("a") + " already holds a training run"), r.message());
        assertUnchanged(before, tmp.resolve("a"));
        Files.delete(tmp.resolve("a/best.zip"));
        assertEquals(2, CliRunner.run("train", a.toString()).code(), "named checkpoints alone are a run too");
    }

    @Test
    void plotAndVisualizeDoNotWriteOverACheckpoint() throws IOException {
        trained("a");
        Map<String, byte[]> before = snapshot(tmp.resolve("a"));
        Path last = tmp.resolve("a/last.zip");
        CliRunner.Result p = CliRunner.run("plot", tmp.resolve("a").toString(), "--out", last.toString());
        assertEquals(2, p.code());
        assertEquals("plot: --out " + last + ": expected a file name ending in .png (it would replace what is there)", p.message());
        CliRunner.Result v = CliRunner.run("visualize", last.toString(), "--prime", "the", "--out", last.toString());
        assertEquals(2, v.code());
        assertEquals("visualize: --out " + last + ": expected a file name ending in .html (it would replace what is there)",
                v.message());
        assertUnchanged(before, tmp.resolve("a"));
    }

    @Test
    void aRunThatFailsBeforeItBeginsLeavesNoDirectoryBehind() throws IOException {
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(4000, 2));
        Path cfg = config("never", text);
        CliRunner.Result r = CliRunner.run("train", cfg.toString(), "--set", "train.batch_size=1000");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.message().contains("train.batch_size 1000"), r.message());
        assertTrue(!Files.exists(tmp.resolve("never")), "no empty run directory with a .lock");
    }

    @Test
    void aClosedPipeStopsSampling() throws IOException {
        trained("a");
        java.io.OutputStream closed = new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        java.io.PrintStream out = new java.io.PrintStream(closed, true);
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        long t0 = System.nanoTime();
        int code = Main.run(new String[]{"sample", tmp.resolve("a/last.zip").toString(), "-n", "2000000000"}, out,
                new java.io.PrintStream(err, true));
        assertEquals(0, code, err.toString());
        assertTrue(System.nanoTime() - t0 < 60_000_000_000L, "stopped instead of generating two billion characters");
    }
}
