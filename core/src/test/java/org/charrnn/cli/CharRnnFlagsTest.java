package org.charrnn.cli;

import org.charrnn.testing.TrainedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** char-rnn's sample.lua flags, --version and --verbose anywhere: command-line round trips. */
class CharRnnFlagsTest {
    @TempDir
    static Path tmp;
    static String best;

    @BeforeAll
    static void train() {
        best = TrainedModels.tiny(tmp, "rnn").toString();
    }

    @Test
    void charRnnSampleFlagsMeanWhatTheyMeantThere() {
        CliRunner.Result ours = CliRunner.run("sample", best, "--prime", "the cat", "-n", "120", "-t", "0.7", "--seed", "9");
        CliRunner.Result theirs = CliRunner.run("sample", best, "-primetext", "the cat", "-length", "120", "-temperature", "0.7",
                "-seed", "9", "-sample", "1", "-gpuid", "-1");
        assertEquals(0, theirs.code(), theirs.err());
        assertEquals(ours.out(), theirs.out());
        assertEquals(CliRunner.run("sample", best, "--prime", "a dog", "-n", "80", "--argmax").out(),
                CliRunner.run("sample", best, "-primetext", "a dog", "-length", "80", "-sample", "0").out());
        CliRunner.Result gpu = CliRunner.run("sample", best, "-gpuid", "0");
        assertEquals(2, gpu.code());
        assertEquals("sample: -gpuid 0 is not needed: charrnn runs on the CPU (-gpuid -1); a build with mvn -Pcuda (ND4J's CUDA 11.6 "
                + "backend) uses the GPU without a flag", gpu.message());
        CliRunner.Result sample2 = CliRunner.run("sample", best, "-sample", "2");
        assertEquals(2, sample2.code());
        assertTrue(sample2.message().startsWith("sample: -sample '2' is not allowed; expected 1"), sample2.message());
    }

    @Test
    void aDrawnSeedIsPrintedAndRepeatsTheSample() {
        CliRunner.Result first = CliRunner.run("sample", best, "-n", "100");
        assertEquals(0, first.code());
        String seed = first.err().strip().replaceAll("^seed (-?\\d+) .*$", "$1");
        assertEquals(first.out(), CliRunner.run("sample", best, "-n", "100", "--seed", seed).out());
    }

    @Test
    void versionAndVerboseAnywhere() {
        CliRunner.Result v = CliRunner.run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().matches("charrnn \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(DL4J 1\\.0\\.0-M2\\.1, Java 17[^)]*\\)\\s*"), v.out());
        CliRunner.Result verbose = CliRunner.run("--verbose", "inspect", best);
        assertEquals(0, verbose.code(), verbose.err());
        assertTrue(verbose.out().contains("recurrent core:  fused rnn"));
    }
}
