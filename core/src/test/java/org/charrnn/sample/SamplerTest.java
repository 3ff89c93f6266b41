package org.charrnn.sample;

import org.charrnn.config.RunConfig;
import org.charrnn.config.ConfigLoader;
import org.charrnn.data.InputEncoding;
import org.charrnn.data.Vocabulary;
import org.charrnn.model.GraphFactory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    private static final Vocabulary VOCAB = Vocabulary.ofText("abcdefghij \n");

    private static ComputationGraph untrained() {
        RunConfig c = ConfigLoader.of("model.rnn_size=16", "model.init_range=0.5", "train.seed=9");
        return GraphFactory.build(c.model(), c.train().optimization(), VOCAB.size());
    }

    private static String sample(ComputationGraph g, String prime, SamplingOptions o) {
        StringBuilder sb = new StringBuilder();
        new Sampler(g, VOCAB).sample(VOCAB.encode(prime, "prime"), o, sb::appendCodePoint);
        return sb.toString();
    }

    @Test
    void sameSeedSameTextOtherSeedOtherText() {
        ComputationGraph g = untrained();
        SamplingOptions a = new SamplingOptions(300, 1.0, 0, false, 42);
        String first = sample(g, "abc", a);
        assertEquals(300, first.codePointCount(0, first.length()));
        assertEquals(first, sample(g, "abc", a));
        assertNotEquals(first, sample(g, "abc", new SamplingOptions(300, 1.0, 0, false, 43)));
        assertEquals(sample(g, "", a), sample(g, "", a), "no prime: first character drawn uniformly, still seeded");
    }

    @Test
    void argmaxIgnoresTheSeedAndTopOneIsArgmax() {
        ComputationGraph g = untrained();
        String x = sample(g, "ab", new SamplingOptions(50, 1.0, 0, true, 1));
        assertEquals(x, sample(g, "ab", new SamplingOptions(50, 1.0, 0, true, 2)));
        assertEquals(x, sample(g, "ab", new SamplingOptions(50, 1.0, 1, false, 3)));
    }

    @Test
    void temperatureSharpensOrFlattensTheDistribution() {
        float[] p = {0.5f, 0.3f, 0.15f, 0.05f};
        assertEquals(0.5, frequencyOfTop(p, 1.0), 0.02, "T = 1 samples the model's own distribution");
        assertTrue(frequencyOfTop(p, 0.1) > 0.99, "low temperature approaches argmax");
        assertEquals(0.25, frequencyOfTop(p, 100), 0.03, "high temperature approaches uniform");
        int[] counts = new int[4];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 10000; i++) counts[Distribution.draw(p, new SamplingOptions(1, 1, 2, false, 0), r)]++;
        assertEquals(0, counts[2] + counts[3], "top-k 2 never draws the others");
        assertEquals(0.625, counts[0] / 10000.0, 0.02, "and renormalises: 0.5 / 0.8");
    }

    private static double frequencyOfTop(float[] p, double temperature) {
        SplittableRandom r = new SplittableRandom(7);
        int top = 0;
        for (int i = 0; i < 20000; i++) if (Distribution.draw(p, new SamplingOptions(1, temperature, 0, false, 0), r) == 0) top++;
        return top / 20000.0;
    }
}
