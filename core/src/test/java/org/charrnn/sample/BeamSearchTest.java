package org.charrnn.sample;

import org.charrnn.api.CharRnnModel;
import org.charrnn.api.SampleRequest;
import org.charrnn.checkpoint.CheckpointReader;
import org.charrnn.config.RunConfig;
import org.charrnn.data.Vocabulary;
import org.charrnn.model.Stepper;
import org.charrnn.testing.TestTexts;
import org.charrnn.train.TrainingEvents;
import org.charrnn.train.TrainingRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Beam search against greedy choice on a text built to mislead greedy: after "a" comes "b"
 * (60 %) followed by one of five letters, or "c" (40 %) always followed by "d". Greedy takes
 * "b" and then a 1-in-5 letter (about 0.12 in all); a beam sees that "cd" (about 0.4) is likelier.
 */
class BeamSearchTest {
    @TempDir
    static Path tmp;
    static Path checkpoint;

    @BeforeAll
    static void train() {
        Random r = new Random(5);
        StringBuilder text = new StringBuilder();
        while (text.length() < 24_000) {
            text.append(r.nextDouble() < 0.6 ? "ab" + "efghi".charAt(r.nextInt(5)) : "acd").append(' ');
        }
        Path file = TestTexts.write(tmp, "misleading.txt", text.toString());
        RunConfig c = TestTexts.smallConfig(file, tmp.resolve("run"), "model.type=lstm", "model.rnn_size=24", "model.num_layers=1",
                "train.max_epochs=6", "train.learning_rate=0.01", "train.eval_val_every=100");
        try (TrainingRun run = TrainingRun.prepare(c, TrainingRun.Mode.FRESH, null, new TrainingEvents() { })) {
            run.run();
        }
        checkpoint = tmp.resolve("run/best.zip");
    }

    /** The model's log-probability of {@code continuation} after {@code prime}. */
    private static double logProbability(String prime, String continuation) {
        var ckpt = CheckpointReader.read(checkpoint, false);
        Vocabulary v = ckpt.vocabulary();
        Stepper s = new Stepper(ckpt.graph());
        float[] p = null;
        for (int i : v.encode(prime, "prime")) p = s.step(i);
        double total = 0;
        for (int i : v.encode(continuation, "continuation")) {
            total += Math.log(p[i]);
            p = s.step(i);
        }
        return total;
    }

    @Test
    void aBeamFindsALikelierContinuationThanGreedyChoice() {
        CharRnnModel model = CharRnnModel.load(checkpoint);
        String greedy = model.sample(SampleRequest.builder().prime("acd a").length(3).argmax(true).build()).text();
        String beam = model.sample(SampleRequest.builder().prime("acd a").length(3).beam(3).build()).text();
        assertTrue(greedy.startsWith("b"), "greedy takes the likelier first step: " + greedy);
        assertEquals("cd ", beam);
        double g = logProbability("acd a", greedy);
        double b = logProbability("acd a", beam);
        assertTrue(b > g + Math.log(2), "beam " + beam + " " + b + " against greedy " + greedy + " " + g);
    }

    @Test
    void aBeamOfOneIsGreedyAndBeamsAreDeterministic() {
        CharRnnModel model = CharRnnModel.load(checkpoint);
        String greedy = model.sample(SampleRequest.builder().prime("ab").length(40).argmax(true).build()).text();
        assertEquals(greedy, model.sample(SampleRequest.builder().prime("ab").length(40).beam(1).build()).text());
        String wide = model.sample(SampleRequest.builder().prime("ab").length(40).beam(5).build()).text();
        assertEquals(wide, model.sample(SampleRequest.builder().prime("ab").length(40).beam(5).seed(99L).build()).text());
        assertEquals(40, wide.codePointCount(0, wide.length()));
    }

    @Test
    void theGraphPathFindsWhatTheStepperPathFinds() {
        var ckpt = CheckpointReader.read(checkpoint, false);
        Vocabulary v = ckpt.vocabulary();
        SamplingOptions o = new SamplingOptions(12, 1.0, 0, false, 1, 4);
        StringBuilder fast = new StringBuilder();
        StringBuilder general = new StringBuilder();
        new Sampler(ckpt.graph(), v).sample(v.encode("acd ab", "prime"), o, fast::appendCodePoint);
        new Sampler(ckpt.graph(), v, null).sample(v.encode("acd ab", "prime"), o, general::appendCodePoint);
        assertEquals(fast.toString(), general.toString());
    }
}
