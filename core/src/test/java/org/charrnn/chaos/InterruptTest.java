package org.charrnn.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.charrnn.checkpoint.Checkpoint;
import org.charrnn.checkpoint.CheckpointReader;
import org.charrnn.testing.TestTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C: SIGINT to a training child JVM between validations finishes the update in flight, saves
 * last.zip at it, says how to resume and exits 130; metrics.jsonl holds whole lines; the resumed
 * run ends exactly where an uninterrupted one does.
 */
class InterruptTest {
    private static final Pattern PROGRESS = Pattern.compile("^(\\d+)/(\\d+) \\(epoch");

    @TempDir
    Path tmp;

    @Test
    void ctrlCSavesTheUpdateInFlightAndTheResumedRunContinuesExactly() throws Exception {
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(5000, 9));
        Path straight = config("straight", text);
        Path interrupted = config("interrupted", text);
        assertEquals(0, new Child(straight, false).waitForExit());
        Checkpoint reference = CheckpointReader.read(tmp.resolve("straight/last.zip"), false);

        Child child = new Child(interrupted, false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (child.lastIteration.get() < 5 && child.process.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(child.process.isAlive(), "still training when interrupted");
        new ProcessBuilder("kill", "-INT", Long.toString(child.process.pid())).start().waitFor();
        int code = child.waitForExit();
        String out = String.join("\n", child.lines).replaceAll(" \\\\\n +", " "); // continued lines joined again
        assertEquals(130, code, out);
        Matcher m = Pattern.compile("Interrupted at iteration (\\d+) \\(epoch [0-9.]+\\); saved (\\S+)\\. Continue with:\n  charrnn train "
                + Pattern.quote(interrupted.toString()) + " --resume last").matcher(out);
        assertTrue(m.find(), out);
        long savedAt = Long.parseLong(m.group(1));
        assertTrue(savedAt >= child.lastIteration.get(), "the update in flight is kept: saved " + savedAt + ", last printed "
                + child.lastIteration.get());
        assertEquals(savedAt, CheckpointReader.read(tmp.resolve("interrupted/last.zip"), false).state().iteration());
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(tmp.resolve("interrupted/metrics.jsonl"))) json.readTree(line); // whole lines only

        assertEquals(0, new Child(interrupted, true).waitForExit());
        Checkpoint end = CheckpointReader.read(tmp.resolve("interrupted/last.zip"), false);
        assertEquals(reference.state().trainLosses(), end.state().trainLosses(), "every iteration's loss");
        assertEquals(reference.graph().params(), end.graph().params(), "final parameters");
    }

    /**
     * timeout(1) signals the process and then its whole group, so the JVM gets the same signal twice
     * at once: that is one request to stop and save, not "quit at once".
     */
    @Test
    void twoSignalsAtOnceAreOneRequestToStopAndSave() throws Exception {
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(5000, 9));
        Path run = config("burst", text);
        Child child = new Child(run, false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (child.lastIteration.get() < 5 && child.process.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        String pid = Long.toString(child.process.pid());
        new ProcessBuilder("sh", "-c", "kill -TERM " + pid + "; kill -TERM " + pid).start().waitFor();
        int code = child.waitForExit();
        String out = String.join("\n", child.lines);
        assertEquals(130, code, out);
        assertTrue(out.contains("Interrupted at iteration "), "saved and reported, not quit at once: " + out);
        long saved = CheckpointReader.read(tmp.resolve("burst/last.zip"), false).state().iteration();
        assertTrue(saved >= 5, "last.zip holds the stop: " + saved);
    }

    private Path config(String name, Path text) throws IOException {
        return Files.writeString(tmp.resolve(name + ".yaml"), String.join("\n", "data:", "  input: " + text,
                "model:", "  rnn_size: 24", "  num_layers: 2", "  dropout: 0.1",
                "train:", "  batch_size: 4", "  seq_length: 16", "  max_epochs: 2", "  learning_rate: 0.005",
                "  eval_val_every: 1000", "  print_every: 1", "  checkpoint_dir: " + tmp.resolve(name),
                "sample:", "  every: 0", ""));
    }

    /** A training run in its own JVM, its output read line by line. */
    private static final class Child {
        final Process process;
        final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicLong lastIteration = new AtomicLong(-1);
        private final Thread reader;

        Child(Path config, boolean resume) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "org.charrnn.cli.Main", "train", config.toString()));
            if (resume) cmd.addAll(List.of("--resume", "last"));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                        Matcher m = PROGRESS.matcher(line);
                        if (m.find()) lastIteration.set(Long.parseLong(m.group(1)));
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        int waitForExit() throws InterruptedException {
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return -1;
            }
            reader.join(5000);
            return process.exitValue();
        }
    }
}
