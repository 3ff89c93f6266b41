package org.charrnn.cli;

import org.charrnn.testing.TrainedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the process does when its standard output fails: a full disk ({@code > /dev/full}) is a
 * failure said in one line with exit 1; a reader that leaves early ({@code | head}) is not.
 * These need a real process, since only {@code Main.main} watches the real stdout.
 */
class StandardOutputTest {
    @TempDir
    static Path dir;
    static Path checkpoint;

    @BeforeAll
    static void train() {
        checkpoint = TrainedModels.tiny(dir, "lstm");
    }

    private static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx512m", "org.charrnn.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String quoted(List<String> cmd) {
        StringBuilder s = new StringBuilder();
        for (String a : cmd) s.append('\'').append(a.replace("'", "'\\''")).append("' ");
        return s.toString();
    }

    private static int runShell(String script, Path stderr) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", script).redirectError(stderr.toFile()).start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the command ends");
        return p.exitValue();
    }

    @Test
    void aFullDiskIsAFailureInOneLine() throws Exception {
        Path err = dir.resolve("full.err");
        int code = runShell(quoted(java("sample", checkpoint.toString(), "-n", "20000", "--seed", "3")) + "> /dev/full", err);
        String said = Files.readString(err, StandardCharsets.UTF_8).strip();
        assertEquals(1, code, said);
        assertTrue(said.endsWith("charrnn: cannot write to standard output: the disk is full; what was written there is incomplete"), said);
        assertFalse(said.contains("\tat "), said);
    }

    @Test
    void aReaderThatLeavesEarlyIsNoFailure() throws Exception {
        Path err = dir.resolve("head.err");
        // set -o pipefail reports the sampler's own exit code, not head's
        int code = runShell("set -o pipefail; " + quoted(java("sample", checkpoint.toString(), "-n", "2000000", "--seed", "3"))
                + "| head -c 20 > /dev/null", err);
        String said = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, code, said);
        assertFalse(said.contains("cannot write"), said);
    }
}
