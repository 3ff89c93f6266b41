package org.charrnn.cli;

import org.charrnn.testing.TestTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** User mistakes: one line, the right exit code (2 usage/config, 1 runtime), no stack trace. */
class BadInputTest {
    @TempDir
    Path tmp;

    private static void assertFails(int code, String message, String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(code, r.code(), "exit code; stderr: " + r.err());
        assertEquals(message, r.message());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void commandLine() {
        CliRunner.Result none = CliRunner.run();
        assertEquals(2, none.code());
        assertTrue(none.out().startsWith("usage: charrnn COMMAND"));
        assertFails(2, "unknown command 'trian' (did you mean train?); commands: train, sample, eval, inspect, plot, visualize, serve, bench", "trian");
        assertFails(2, "bench: not in this classpath: it is the bench/ module's; run it as ./charrnn bench from the repository,"
                + " which builds and adds that module", "bench", "--peer");
        assertFails(2, "train: unknown option --epochs; see charrnn train --help", "train", "c.yaml", "--epochs", "3");
        assertFails(2, "train: missing CONFIG.yaml (or --text FILE); usage: charrnn train CONFIG.yaml|--text FILE [--resume CKPT|last|best]"
                + " [--init-from CKPT] [--set key=value ...]", "train");
        assertFails(2, "sample: option --length needs a value; see charrnn sample --help", "sample", "x.zip", "-n");
        assertFails(2, "--length: 'many' is not allowed; expected an integer in [0, 2147483647]", "sample", "x.zip", "-n", "many");
        assertFails(2, "--length: '-5' is not allowed; expected an integer in [0, 2147483647]", "sample", "x.zip", "--length=-5");
        assertFails(2, "--temperature: '0' is not allowed; expected numbers > 0 (for the likeliest character every time, use --argmax)", "sample", "x.zip", "-t", "0");
        assertFails(2, "--temperature: 'NaN' is not allowed; expected a number > 0, or a list such as 0.5,0.8,1", "sample", "x.zip", "-t", "NaN");
        assertFails(2, "--seed: 'abc' is not allowed; expected an integer", "sample", "x.zip", "--seed", "abc");
        assertFails(2, "sample: give --prime or --prime-file, not both", "sample", "x.zip", "--prime", "a", "--prime-file", "f");
        assertFails(2, "--split: 'dev' is not allowed; expected one of val, test, train", "eval", "x.zip", "--split", "dev");
        assertEquals(0, CliRunner.run("train", "--help").code());
    }

    @Test
    void configAndData() throws IOException {
        Path cfg = Files.writeString(tmp.resolve("c.yaml"), "data:\n  input: " + tmp.resolve("none.txt") + "\n");
        assertFails(2, tmp.resolve("nope.yaml") + ": config file not found", "train", tmp.resolve("nope.yaml").toString());
        assertFails(2, cfg + ": data.input: " + tmp.resolve("none.txt") + " does not exist", "train", cfg.toString());
        assertFails(2, "--set: unknown key 'model.layers' (did you mean model.num_layers?)", "train", cfg.toString(),
                "--set", "model.layers=3");

        Path small = TestTexts.write(tmp, "small.txt", "hello world, this is short.\n");
        Path c2 = Files.writeString(tmp.resolve("small.yaml"), "data:\n  input: " + small + "\ntrain:\n  checkpoint_dir: "
                + tmp.resolve("ck") + "\n");
        assertFails(2, c2 + ": " + small + " has 28 characters, so the training split (data.train_frac 0.95) has 26;"
                + " train.batch_size 50 × train.seq_length 50 needs at least 2501 in it (2633 in the file). Use a smaller"
                + " batch_size or seq_length (e.g. --set train.batch_size=1), or more text", "train", c2.toString());

        Path one = TestTexts.write(tmp, "one.txt", "a".repeat(3000));
        Path c3 = Files.writeString(tmp.resolve("one.yaml"), "data:\n  input: " + one + "\ntrain:\n  checkpoint_dir: "
                + tmp.resolve("ck1") + "\n");
        assertFails(1, one + ": the text has only one distinct character ('a'); there is nothing to learn", "train", c3.toString());

        Path bad = Files.write(tmp.resolve("bad.txt"), new byte[]{'o', 'k', (byte) 0xFF});
        Path c4 = Files.writeString(tmp.resolve("bad.yaml"), "data:\n  input: " + bad + "\ntrain:\n  checkpoint_dir: "
                + tmp.resolve("ck2") + "\n");
        assertFails(1, bad + ": invalid UTF-8 at byte offset 2; the input must be UTF-8 text (convert it with iconv -t UTF-8)",
                "train", c4.toString());

        Path fileAsDir = Files.writeString(tmp.resolve("occupied"), "x");
        Path c5 = Files.writeString(tmp.resolve("dir.yaml"), "data:\n  input: " + small + "\ntrain:\n  checkpoint_dir: " + fileAsDir + "\n");
        assertFails(1, "train.checkpoint_dir: " + fileAsDir + " is a file, not a directory", "train", c5.toString());
    }

    @Test
    void checkValidatesWithoutTraining() throws IOException {
        Path text = TestTexts.write(tmp, "text.txt", TestTexts.grammar(4000, 1));
        Path cfg = Files.writeString(tmp.resolve("ok.yaml"), "data:\n  input: " + text + "\ntrain:\n  batch_size: 4\n  checkpoint_dir: "
                + tmp.resolve("ck") + "\n");
        CliRunner.Result ok = CliRunner.run("train", cfg.toString(), "--check", "--set", "distributed.workers=2");
        assertEquals(0, ok.code(), ok.err());
        assertEquals("train: " + cfg + ": the config and flags are valid", ok.out().strip());
        assertTrue(!Files.exists(tmp.resolve("ck")), "nothing written");
        assertFails(2, "--set: distributed.workers: 5 is more than the 4 streams of train.batch_size; each worker needs at least"
                + " one stream: expected 0 to 4", "train", cfg.toString(), "--check", "--set", "distributed.workers=5");
    }

    @Test
    void checkpoints() throws IOException {
        Path missing = tmp.resolve("none.zip");
        assertFails(1, missing + ": checkpoint not found", "sample", missing.toString());
        Path empty = Files.write(tmp.resolve("empty.zip"), new byte[0]);
        assertFails(1, empty + ": empty file, not a checkpoint", "inspect", empty.toString());
        Path text = Files.writeString(tmp.resolve("notes.zip"), "just some text, not a zip");
        assertFails(1, text + ": not a checkpoint (not a zip archive, or truncated/damaged)", "eval", text.toString());
    }
}
