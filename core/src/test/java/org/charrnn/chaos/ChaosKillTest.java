package org.charrnn.chaos;

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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kill -9 chaos: training runs in a child JVM that is killed with SIGKILL at random moments (often
 * in the middle of writing a checkpoint: writes pause halfway), then resumed with --resume last,
 * again and again. After every kill each file under a final name must load, and no more than
 * eval_val_every iterations may be lost; at the end the parameters must equal an uninterrupted
 * run's, bit for bit. {@code -Dchaos.kills=N} sets the number of kills (scripts/chaos.sh).
 */
class ChaosKillTest {
    private static final Pattern PROGRESS = Pattern.compile("^(\\d+)/(\\d+) \\(epoch");
    private static final int EVAL_EVERY = 4;
    /** The last child's output, for the failure message. */
    private static final List<String> OUTPUT = java.util.Collections.synchronizedList(new ArrayList<>());

    @TempDir
    Path tmp;

    @Test
    void killedAndResumedTrainingEndsWhereAnUninterruptedOneDoes() throws Exception {
        int kills = Integer.getInteger("chaos.kills", 5);
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(5000, 9));
        Path straight = config("straight", text);
        Path chaotic = config("chaotic", text);

        assertEquals(0, runToEnd(straight, false));
        Checkpoint reference = CheckpointReader.read(tmp.resolve("straight/last.zip"), false);

        Random random = new Random(Long.getLong("chaos.seed", 42));
        int resumes = 0;
        int killsInWrites = 0;
        int maxLost = 0;
        List<Integer> lost = new ArrayList<>();
        int killed = 0;
        int killedDuringStartUp = 0;
        for (int k = 0; k < kills; k++) {
            boolean resume = Files.exists(tmp.resolve("chaotic/last.zip"));
            resumes += resume ? 1 : 0;
            AtomicLong lastIteration = new AtomicLong(-1);
            Process p = start(chaotic, resume, lastIteration);
            // Start-up (JVM, ND4J) takes a second or two; kill somewhere in the training after it.
            Thread.sleep(1500 + random.nextInt(2500));
            if (!p.isAlive()) break; // finished before we could kill it: fine, the end check follows
            p.destroyForcibly(); // SIGKILL
            p.waitFor(30, TimeUnit.SECONDS);
            killed++;
            killsInWrites += tempFiles(tmp.resolve("chaotic")) > 0 ? 1 : 0;
            long saved = -1;
            for (Path zip : finalFiles(tmp.resolve("chaotic"))) {
                Checkpoint c = CheckpointReader.read(zip, false); // every file under a final name loads
                if (zip.getFileName().toString().equals("last.zip")) saved = c.state().iteration();
            }
            if (lastIteration.get() >= 0) {
                int l = (int) (lastIteration.get() - Math.max(saved, 0));
                lost.add(l);
                maxLost = Math.max(maxLost, l);
            } else {
                killedDuringStartUp++; // before its first update: nothing to lose
            }
        }
        assertEquals(0, runToEnd(chaotic, Files.exists(tmp.resolve("chaotic/last.zip"))), String.join("\n", OUTPUT));
        Checkpoint end = CheckpointReader.read(tmp.resolve("chaotic/last.zip"), false);

        System.out.printf("chaos report: %d kills (%d during a checkpoint write, %d during start-up before any update),"
                        + " %d resumes, iterations lost per kill after start-up %s (max %d, limit %d), final iteration %d,"
                        + " final parameters equal: %s%n", killed, killsInWrites, killedDuringStartUp, resumes, lost, maxLost,
                EVAL_EVERY, end.state().iteration(), reference.graph().params().equals(end.graph().params()));
        assertTrue(killed > 0, "at least one kill landed");
        assertTrue(maxLost <= EVAL_EVERY, "lost " + maxLost + " iterations in one kill");
        assertEquals(reference.state().iteration(), end.state().iteration());
        assertEquals(reference.state().trainLosses(), end.state().trainLosses(), "every iteration's loss");
        assertEquals(reference.graph().params(), end.graph().params(), "final parameters");
        assertEquals(0, tempFiles(tmp.resolve("chaotic")), "no temp file outlives a completed run");
    }

    private Path config(String name, Path text) throws IOException {
        return Files.writeString(tmp.resolve(name + ".yaml"), String.join("\n", "data:", "  input: " + text,
                "model:", "  rnn_size: 24", "  num_layers: 2", "  dropout: 0.1",
                "train:", "  batch_size: 4", "  seq_length: 16", "  max_epochs: 3", "  learning_rate: 0.005",
                "  eval_val_every: " + EVAL_EVERY, "  print_every: 1", "  keep: 3",
                "  checkpoint_dir: " + tmp.resolve(name), ""));
    }

    private int runToEnd(Path config, boolean resume) throws Exception {
        Process p = start(config, resume, new AtomicLong());
        return p.waitFor(5, TimeUnit.MINUTES) ? p.exitValue() : -1;
    }

    private static Process start(Path config, boolean resume, AtomicLong lastIteration) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx512m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                SlowWritesTraining.class.getName(), config.toString()));
        if (resume) cmd.add("--resume");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        OUTPUT.clear();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    OUTPUT.add(line);
                    Matcher m = PROGRESS.matcher(line);
                    if (m.find()) lastIteration.set(Long.parseLong(m.group(1)));
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    private static List<Path> finalFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".zip")).toList();
        }
    }

    private static long tempFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
        }
    }
}
