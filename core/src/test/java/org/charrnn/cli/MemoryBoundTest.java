package org.charrnn.cli;

import org.charrnn.testing.TestTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small model trains in a small process. Held to a 96 MB heap, a JVM runs two epochs of a 2×64
 * LSTM to the end, validations and checkpoints included. Given a large heap, where the collector
 * seldom runs, a 2×128 LSTM on a schedule that moves the rate every update stays within 600 MB from
 * start to exit: a loop that left native arrays behind it for the collector (DL4J's setLearningRate
 * copied the optimizer's state at every rate change) peaked at 817 MB on this run, ours at 394.
 */
class MemoryBoundTest {
    @TempDir
    Path tmp;

    private List<String> train(Path text, String heap, String... sets) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx" + heap, "-XX:+UseParallelGC",
                "-Dorg.bytedeco.javacpp.maxbytes=" + heap, "-Dorg.bytedeco.javacpp.maxphysicalbytes=0", "org.charrnn.cli.Main",
                "train", "--text", text.toString()));
        for (String set : sets) {
            cmd.add("--set");
            cmd.add(set);
        }
        return cmd;
    }

    @Test
    void aSmallModelTrainsUnderASmallHeap() throws Exception {
        Path text = TestTexts.write(tmp, "grammar.txt", TestTexts.grammar(60000, 7));
        Path out = tmp.resolve("out.txt");
        Process p = new ProcessBuilder(train(text, "96m", "train.checkpoint_dir=" + tmp.resolve("run"), "model.size=as_set",
                "model.type=lstm", "model.rnn_size=64", "model.num_layers=2", "model.precision=f32", "train.batch_size=16",
                "train.seq_length=32", "train.max_epochs=2", "train.max_time=0", "train.eval_val_every=50"))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the run ends");
        String said = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), said);
        assertTrue(said.contains("Done: 222 iterations (epoch 2.00)"), said);
        assertTrue(Files.isRegularFile(tmp.resolve("run").resolve("best.zip")), said);
    }

    @Test
    void aRateThatMovesEveryUpdateLeavesNothingBehind() throws Exception {
        Path text = TestTexts.write(tmp, "grammar.txt", TestTexts.grammar(160000, 9));
        Path out = tmp.resolve("out.txt");
        Process p = new ProcessBuilder(train(text, "1g", "train.checkpoint_dir=" + tmp.resolve("run"), "model.size=as_set",
                "model.type=lstm", "model.rnn_size=128", "model.num_layers=2", "model.precision=f32", "train.batch_size=16",
                "train.seq_length=32", "train.max_epochs=2", "train.max_time=0", "train.lr_schedule=cosine"))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        long peakKb = 0;
        while (!p.waitFor(100, TimeUnit.MILLISECONDS)) peakKb = Math.max(peakKb, hwmKb(p.pid()));
        String said = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), said);
        assertTrue(said.contains("Done: "), said);
        assertTrue(peakKb > 0 && peakKb < 600 * 1024, "peak RSS " + peakKb / 1024 + " MB");
    }

    private static long hwmKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (java.io.IOException | NumberFormatException gone) {
            // it ended between two looks
        }
        return 0;
    }
}
