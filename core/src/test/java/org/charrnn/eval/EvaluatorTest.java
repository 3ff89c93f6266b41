package org.charrnn.eval;

import org.charrnn.config.ConfigLoader;
import org.charrnn.config.RunConfig;
import org.charrnn.data.Corpus;
import org.charrnn.data.Region;
import org.charrnn.model.GraphFactory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A region scored in stretches with a short last one gives the loss of the region scored in one call. */
class EvaluatorTest {
    /** 5,000 characters of 12 letters: a cycle with every third character random, something to predict. */
    private static Corpus text() {
        SplittableRandom r = new SplittableRandom(11);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 5000; i++) s.append((char) ('a' + (i % 3 == 0 ? r.nextInt(12) : (i * 7) % 12)));
        return Corpus.ofText(s.toString());
    }

    @ParameterizedTest
    @CsvSource({"lstm, 0", "gru, 0", "rnn, 0", "lstm, 8"})
    void aShortLastStretchIsScoredOnItsOwnCharactersOnly(String cell, int embedding) {
        RunConfig c = ConfigLoader.of("model.type=" + cell, "model.rnn_size=16", "model.embedding_size=" + embedding, "train.seed=2");
        ComputationGraph graph = GraphFactory.build(c.model(), c.train().optimization(), 12);
        Corpus text = text();
        Region region = new Region(1000, 3001); // 4 streams of 750 inputs: a stretch of 2,048 rows / 4 = 512 steps, then 238 padded to 512
        Evaluator.Loss whole = Evaluator.evaluate(graph, text, region, 4, 750);
        Evaluator.Loss stretched = Evaluator.evaluate(graph, text, region, 4, 7);
        assertEquals(3000, whole.characters());
        assertEquals(whole.characters(), stretched.characters());
        assertEquals(whole.natsPerChar(), stretched.natsPerChar(), 1e-5 * whole.natsPerChar());
    }
}
