package org.charrnn.cli;

import org.charrnn.api.CharRnnModel;
import org.charrnn.api.SampleRequest;
import org.charrnn.testing.TestTexts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journeys a new user (or a char-rnn user) takes in the first hour, through the command line:
 * a run directory where a checkpoint is expected, char-rnn's flags on train, training on a text
 * without a config, fine-tuning on a text with new characters, temperature sweeps, beam search,
 * and output that fits 80 columns.
 */
class FirstHourTest {
    @TempDir
    static Path tmp;
    static Path text;
    static Path run;

    /** Small enough for seconds, whatever the recipe says about the model. */
    static final String[] SMALL = {"--set", "model.rnn_size=16", "--set", "model.num_layers=1", "--set", "train.batch_size=4",
            "--set", "train.seq_length=16", "--set", "train.max_epochs=1", "--set", "train.max_time=0", "--set", "train.eval_val_every=40",
            "--set", "train.print_every=1000", "--set", "sample.every=0"};

    @BeforeAll
    static void trainOnATextWithoutAConfig() {
        text = TestTexts.write(tmp, "poems.txt", TestTexts.grammar(8000, 21));
        run = tmp.resolve("poems-run");
        String[] args = concat(new String[]{"train", "--text", text.toString(), "--set", "train.checkpoint_dir=" + run}, SMALL);
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.equals("run poems: a new run")), "named after the text: " + r.out());
        assertTrue(r.out().contains("model: gru, 1 layers of 16") || r.out().contains("model: gru, 1 layer of 16"),
                "the quickstart recipe's cell, the sizes given: " + r.out());
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void aRunDirectoryStandsForItsBestCheckpointElseItsLast() throws IOException {
        CliRunner.Result fromDir = CliRunner.run("sample", run.toString(), "-n", "50", "--seed", "4");
        assertEquals(0, fromDir.code(), fromDir.err());
        assertEquals("Using " + run.resolve("best.zip"), fromDir.err().strip());
        assertEquals(CliRunner.run("sample", run.resolve("best.zip").toString(), "-n", "50", "--seed", "4").out(), fromDir.out());
        for (String command : new String[]{"inspect", "eval"}) {
            CliRunner.Result r = CliRunner.run(command, run.toString());
            assertEquals(0, r.code(), command + ": " + r.err());
        }
        Path early = Files.createDirectories(tmp.resolve("early"));
        Files.copy(run.resolve("last.zip"), early.resolve("last.zip"));
        CliRunner.Result last = CliRunner.run("sample", early.toString(), "-n", "5", "--seed", "1");
        assertEquals(0, last.code(), last.err());
        assertEquals("Using " + early.resolve("last.zip"), last.err().strip());
        CliRunner.Result noBest = CliRunner.run("sample", early.resolve("best.zip").toString());
        assertEquals(1, noBest.code());
        assertEquals(early.resolve("best.zip") + ": checkpoint not found; the run has no best.zip yet (it stopped before its first"
                + " validation): use " + early.resolve("last.zip") + ", or the directory " + early + " (its best, else its last)",
                noBest.message());
        assertTrue(CharRnnModel.load(early).info().checkpoint().endsWith("last.zip"), "the library takes a run directory too");
    }

    @Test
    void charRnnTrainFlagsMapToKeys() {
        Path d = tmp.resolve("flags");
        CliRunner.Result r = CliRunner.run("train", "--text", text.toString(), "-rnn_size", "12", "-num_layers", "1", "-model", "lstm",
                "-batch_size", "4", "-seq_length", "16", "-max_epochs", "1", "-eval_val_every", "1000", "-print_every", "1000",
                "-checkpoint_dir", d.toString(), "-gpuid", "-1", "--set", "train.max_time=0", "--set", "sample.every=0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("model: lstm, 1 layer") && r.out().contains(" of 12"), r.out());
        CliRunner.Result typo = CliRunner.run("train", "--text", text.toString(), "-rnnsize", "12");
        assertEquals(2, typo.code());
        assertTrue(typo.message().startsWith("train: unknown option -rnnsize (did you mean -rnn_size?); char-rnn's flags map to"
                + " config keys (-rnn_size 512 is --set model.rnn_size=512)"), typo.message());
        CliRunner.Result gpu = CliRunner.run("train", "--text", text.toString(), "-gpuid", "0");
        assertEquals(2, gpu.code());
        assertTrue(gpu.message().startsWith("train: -gpuid 0 is not needed: charrnn runs on the CPU"), gpu.message());
    }

    @Test
    void charRnnsDataDirIsItsInputTxtWithTheRecipe() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data/verses"));
        Files.copy(text, data.resolve("input.txt"));
        Path d = tmp.resolve("datadir-run");
        CliRunner.Result r = CliRunner.run(concat(new String[]{"train", "-data_dir", data.toString(), "-checkpoint_dir", d.toString()}, SMALL));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.equals("run verses: a new run")), r.out());
        assertTrue(Files.exists(d.resolve("last.zip")));
    }

    @Test
    void fineTuningOnATextWithNewCharactersSkipsThemWhenAsked() throws IOException {
        Path other = Files.writeString(tmp.resolve("other.txt"), Files.readString(text).replace("\n", "\f\n").substring(0, 6000));
        Path d = tmp.resolve("tuned");
        String[] base = {"train", "--text", other.toString(), "--init-from", run.toString(), "--set", "train.checkpoint_dir=" + d};
        CliRunner.Result refused = CliRunner.run(concat(base, SMALL));
        assertEquals(1, refused.code());
        assertTrue(refused.message().endsWith("has characters the model's vocabulary lacks: U+000C (drop them with --skip-unknown,"
                + " or --set data.skip_unknown=true)"), refused.message());
        CliRunner.Result tuned = CliRunner.run(concat(concat(base, new String[]{"--skip-unknown"}), SMALL));
        assertEquals(0, tuned.code(), tuned.err());
        long formFeeds = Files.readString(other).chars().filter(c -> c == '\f').count();
        assertTrue(tuned.out().replaceAll("\n  ", " ").contains(String.format(java.util.Locale.ROOT,
                "Skipped %,d characters of %s the model's vocabulary lacks: U+000C ×%,d", formFeeds, other, formFeeds)), tuned.out());
    }

    @Test
    void aTemperatureSweepPrintsOneLabelledSampleEach() {
        CliRunner.Result sweep = CliRunner.run("sample", run.toString(), "-n", "40", "--seed", "8", "-t", "0.5,1");
        assertEquals(0, sweep.code(), sweep.err());
        String half = CliRunner.run("sample", run.toString(), "-n", "40", "--seed", "8", "-t", "0.5").out();
        String one = CliRunner.run("sample", run.toString(), "-n", "40", "--seed", "8", "-t", "1").out();
        assertEquals("--- temperature 0.5 ---\n" + half + "--- temperature 1 ---\n" + one, sweep.out());
        CliRunner.Result zero = CliRunner.run("sample", run.resolve("best.zip").toString(), "-t", "0");
        assertTrue(zero.message().endsWith("use --argmax)"), zero.message());
    }

    @Test
    void theCliGivesWhatTheLibraryGivesWithoutTheEcho() {
        CharRnnModel model = CharRnnModel.load(run);
        String library = model.sample(SampleRequest.builder().prime("the ").length(60).seed(12L).build()).text();
        CliRunner.Result echo = CliRunner.run("sample", run.toString(), "--prime", "the ", "-n", "60", "--seed", "12");
        CliRunner.Result bare = CliRunner.run("sample", run.toString(), "--prime", "the ", "-n", "60", "--seed", "12", "--no-echo");
        assertEquals("the " + library + "\n", echo.out(), "the CLI echoes the prime, as sample.lua");
        assertEquals(library + "\n", bare.out());
        String beam = model.sample(SampleRequest.builder().prime("the ").length(30).beam(4).build()).text();
        assertEquals("the " + beam + "\n", CliRunner.run("sample", run.toString(), "--prime", "the ", "-n", "30", "--beam", "4").out());
        CliRunner.Result mixed = CliRunner.run("sample", run.resolve("best.zip").toString(), "--beam", "4", "-t", "0.7");
        assertEquals(2, mixed.code());
        assertTrue(mixed.message().startsWith("sample: --beam goes without --temperature"), mixed.message());
    }

    @Test
    void helpAndInspectFitEightyColumns() {
        for (String[] args : new String[][]{{"--help"}, {"train", "--help"}, {"sample", "--help"}, {"eval", "--help"},
                {"inspect", "--help"}, {"plot", "--help"}, {"visualize", "--help"}, {"serve", "--help"},
                {"inspect", run.toString()}}) {
            CliRunner.Result r = CliRunner.run(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            for (String line : r.out().split("\n")) {
                if (line.contains(tmp.toString())) continue; // this test's long temporary paths
                assertTrue(line.length() <= 80, String.join(" ", args) + ": " + line.length() + " columns: " + line);
            }
        }
        assertFalse(CliRunner.run("inspect", run.toString()).out().contains("characters: '"), "the vocabulary on lines of its own");
    }
}
