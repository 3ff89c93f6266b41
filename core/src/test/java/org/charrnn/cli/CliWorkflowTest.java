package org.charrnn.cli;

import org.charrnn.testing.TestTexts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's workflow through the real command line: train, resume, sample, inspect, eval. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliWorkflowTest {
    @TempDir
    static Path tmp;
    static Path config;
    static Path run;

    @BeforeAll
    static void writeConfig() throws IOException {
        Path text = TestTexts.write(tmp, "grammar.txt", TestTexts.grammar(12000, 5));
        run = tmp.resolve("run");
        config = Files.writeString(tmp.resolve("tiny.yaml"), String.join("\n",
                "data:", "  input: " + text, "  train_frac: 0.9", "  val_frac: 0.05",
                "model:", "  rnn_size: 32", "train:", "  batch_size: 8", "  seq_length: 25", "  max_epochs: 1",
                "  learning_rate: 0.01", "  eval_val_every: 20", "  print_every: 10", "  checkpoint_dir: " + run, ""));
    }

    @Test
    @Order(1)
    void trainsAndNamesCheckpointsByValidationLoss() throws IOException {
        CliRunner.Result r = CliRunner.run("train", config.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Validation at 20 (epoch 0.38): val_loss "), r.out());
        assertTrue(r.out().contains("10/53 (epoch 0.19) train_loss "), r.out());
        assertTrue(r.out().startsWith("run tiny: a new run\nmodel: lstm, 2 layers of 32: "), r.out());
        assertTrue(r.out().contains("\ncheckpoints: " + run + "\n"), r.out());
        assertTrue(r.out().contains("\nepoch: 53 iterations of 200 characters; max_epochs 1 = 53 iterations\n"), r.out());
        for (String line : r.out().replace(run.toString(), "models/tiny").split("\n")) {
            assertTrue(line.length() <= 80, "fits 80 columns: " + line);
        }
        try (var files = Files.list(run)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.contains("best.zip") && names.contains("last.zip"), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.matches("lm_lstm_epoch1\\.00_\\d\\.\\d{4}\\.zip")), names.toString());
        }
        List<String> lines = r.out().lines().toList();
        assertEquals("Done", lines.get(lines.size() - 2).substring(0, 4), r.out());
        // then the session's wall-clock pace and where its time went, as a user would time it
        assertTrue(lines.get(lines.size() - 1).matches("  [\\d,]+ chars/s in 0m\\d\\ds: updates \\d+%, validation \\d+%, saving \\d+%,"
                + " other \\d+%"), lines.get(lines.size() - 1));
    }

    @Test
    @Order(2)
    void aSecondFreshRunRefusesToOverwriteTheFirst() {
        CliRunner.Result r = CliRunner.run("train", config.toString());
        assertEquals(2, r.code());
        assertEquals(run + " already holds a training run (" + run.resolve("last.zip") + "); continue it with --resume "
                + run.resolve("last.zip") + ", or start a new one elsewhere with --set train.checkpoint_dir=DIR", r.message());
    }

    @Test
    @Order(3)
    void resumeByNameContinuesToTheNewEnd() {
        CliRunner.Result r = CliRunner.run("train", config.toString(), "--resume", "last", "--set", "train.max_epochs=2");
        assertEquals(0, r.code(), r.err());
        assertTrue(unwrapped(r.out()).startsWith("Resuming " + run.resolve("last.zip") + " at iteration 53 (epoch 1.00)"), r.out());
        assertTrue(r.out().contains("Done: 106 iterations (epoch 2.00)"), r.out());
    }

    @Test
    @Order(4)
    void samplesAreSeededAndPrimed() {
        String best = run.resolve("best.zip").toString();
        CliRunner.Result a = CliRunner.run("sample", best, "-n", "120", "--seed", "3", "--prime", "the cat");
        CliRunner.Result b = CliRunner.run("sample", best, "-n", "120", "--seed", "3", "--prime", "the cat");
        assertEquals(0, a.code(), a.err());
        assertEquals(a.out(), b.out());
        assertTrue(a.out().startsWith("the cat"));
        assertEquals(7 + 120 + 1, a.out().length(), "prime + 120 characters + newline");
        CliRunner.Result t = CliRunner.run("sample", best, "-n", "60", "-t", "0.5", "--top-k", "3", "--seed", "1");
        assertEquals(0, t.code(), t.err());
    }

    @Test
    @Order(5)
    void inspectAndEval() {
        String best = run.resolve("best.zip").toString();
        CliRunner.Result i = CliRunner.run("inspect", best);
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("recurrent core:  fused"), i.out());
        assertTrue(i.out().contains("vocabulary:      "), i.out());
        assertTrue(i.out().contains("rnn_size: 32"), i.out());
        CliRunner.Result e = CliRunner.run("eval", best, "--split", "test");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().matches("(?s)the test split of .*grammar\\.txt: \\d\\.\\d{4} nats/char, \\d\\.\\d{4} bits/char over [\\d,]+ characters\\n"), e.out());
    }

    @Test
    @Order(6)
    void fineTunesFromWeightsOnNewTextAndEvaluatesAFile() throws IOException {
        Path newText = TestTexts.write(tmp, "more.txt", TestTexts.grammar(6000, 77));
        CliRunner.Result r = CliRunner.run("train", config.toString(), "--init-from", run.resolve("best.zip").toString(),
                "--set", "data.input=" + newText, "--set", "train.checkpoint_dir=" + tmp.resolve("tuned"));
        assertEquals(0, r.code(), r.err());
        assertTrue(unwrapped(r.out()).startsWith("Starting from the weights of " + run.resolve("best.zip")), r.out());
        assertTrue(Files.exists(tmp.resolve("tuned/best.zip")));
        CliRunner.Result e = CliRunner.run("eval", tmp.resolve("tuned/best.zip").toString(), "--file", newText.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().startsWith(newText + ": "), e.out());
    }

    @Test
    @Order(8)
    void journeysACharRnnUserTakes() throws IOException {
        // A finished run resumed again: a hint instead of a bare "Done".
        CliRunner.Result again = CliRunner.run("train", config.toString(), "--resume", "last", "--set", "train.max_epochs=2");
        assertEquals(0, again.code(), again.err());
        assertTrue(unwrapped(again.out()).contains("Nothing to train: this run already finished its train.max_epochs 2 (iteration 106);"
                + " to train on, raise it: charrnn train " + config + " --resume last --set train.max_epochs=4"), again.out());
        // --init-from takes another run's directory (its best.zip); 'best' in the new run's own directory is explained.
        CliRunner.Result dir = CliRunner.run("train", config.toString(), "--init-from", run.toString(),
                "--set", "train.checkpoint_dir=" + tmp.resolve("fromdir"), "--set", "train.max_epochs=1");
        assertEquals(0, dir.code(), dir.err());
        assertTrue(unwrapped(dir.out()).startsWith("Starting from the weights of " + run.resolve("best.zip")), dir.out());
        CliRunner.Result best = CliRunner.run("train", config.toString(), "--init-from", "best",
                "--set", "train.checkpoint_dir=" + tmp.resolve("fresh"));
        assertEquals(2, best.code());
        assertTrue(best.message().startsWith("train: --init-from best: " + tmp.resolve("fresh/best.zip") + " does not exist:"
                + " --init-from starts a new run from another run's checkpoint"), best.message());
        // eval --file drops unknown characters when asked, and says how when not.
        Path odd = TestTexts.write(tmp, "odd.txt", "the cat sees the moon. QQQ the dog likes a red apple.\n".repeat(20));
        CliRunner.Result refused = CliRunner.run("eval", run.resolve("best.zip").toString(), "--file", odd.toString());
        assertEquals(2, refused.code());
        assertEquals("eval: --file " + odd + " has characters the model does not know: 'Q' (drop them with --skip-unknown)",
                refused.message());
        CliRunner.Result skipped = CliRunner.run("eval", run.resolve("best.zip").toString(), "--file", odd.toString(), "--skip-unknown");
        assertEquals(0, skipped.code(), skipped.err());
        assertTrue(skipped.out().startsWith(odd + ": "), skipped.out());
        // A misspelt option gets a suggestion.
        CliRunner.Result typo = CliRunner.run("sample", run.resolve("best.zip").toString(), "--temprature", "0.5");
        assertEquals("sample: unknown option --temprature (did you mean --temperature?); see charrnn sample --help", typo.message());
    }

    @Test
    @Order(9)
    void aCopiedConfigThatKeepsItsNameIsToldHowToRenameTheRun() throws IOException {
        String name = "charrnn-test-copied-" + ProcessHandle.current().pid();
        Path models = Path.of("models", name); // where a config without train.checkpoint_dir trains
        Path copied = Files.writeString(tmp.resolve("copied.yaml"), Files.readString(config)
                .replace("  checkpoint_dir: " + run + "\n", "").replace("data:", "name: " + name + "\ndata:"));
        try {
            assertEquals(0, CliRunner.run("train", copied.toString(), "--set", "train.max_epochs=1").code());
            CliRunner.Result r = CliRunner.run("train", copied.toString());
            assertEquals(2, r.code());
            assertTrue(r.message().endsWith("or start a new one elsewhere with --set name=NEW_NAME (a config copied from another"
                    + " keeps its name:; checkpoints then go to models/NEW_NAME)"), r.message());
        } finally {
            if (Files.exists(models)) {
                try (var files = Files.walk(models)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    @Test
    @Order(7)
    void unknownPrimeCharactersCanBeSkipped() {
        CliRunner.Result r = CliRunner.run("sample", run.resolve("best.zip").toString(), "--prime", "the Q cat", "--skip-unknown",
                "-n", "10", "--seed", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("the  cat"), r.out());
    }

    /** Messages wrap at 80 columns, continuation lines indented by two spaces; these tests' paths are long. */
    /** The output with printed commands' continuation lines (" \\" then an indented line) joined back. */
    private static String unwrapped(String out) {
        return out.replaceAll(" \\\\\n +", " ").replace("\n  ", " ");
    }
}
