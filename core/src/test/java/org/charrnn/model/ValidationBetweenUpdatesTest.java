package org.charrnn.model;

import org.charrnn.config.ConfigLoader;
import org.charrnn.config.RunConfig;
import org.charrnn.data.CodeArray;
import org.charrnn.data.Corpus;
import org.charrnn.data.Region;
import org.charrnn.data.StreamLayout;
import org.charrnn.data.Vocabulary;
import org.charrnn.data.CharacterIterator;
import org.charrnn.eval.Evaluator;
import org.charrnn.model.kernel.KernelChoice;
import org.charrnn.model.layer.CarriedState;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.dataset.DataSet;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A validation between updates runs on the training kernel's own buffers, in float32 products
 * whatever the training's precision: its loss is exactly the loss of a model that never trained
 * (whose validation has buffers of its own), and training goes on from it exactly as if it had not
 * run — the same weights, bit for bit, after the next updates.
 */
class ValidationBetweenUpdatesTest {
    /** A minibatch of MemoryEstimate.VALIDATION_ROWS characters: validation's stretches have the training segment's shape. */
    private static final int BATCH = 16;
    private static final int T = 128;

    private static Corpus text() {
        int[] cps = new int[20];
        for (int i = 0; i < cps.length; i++) cps[i] = 'a' + i;
        Vocabulary v = new Vocabulary(cps);
        CodeArray.Heap codes = CodeArray.allocate(40000, v.size());
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 40000; i++) codes.set(i, r.nextInt(i % 7 == 0 ? 20 : 5));
        return new Corpus(v, codes);
    }

    private static ComputationGraph graph(String cell, String precision, boolean layerNorm) {
        RunConfig c = ConfigLoader.of("model.type=" + cell, "model.rnn_size=24", "model.precision=" + precision,
                "model.layer_norm=" + layerNorm, "train.batch_size=" + BATCH, "train.seq_length=" + T, "train.seed=5");
        return GraphFactory.build(c.model(), c.train().optimization(), 20);
    }

    @ParameterizedTest
    @CsvSource({"lstm, f32, false", "gru, f32, true", "rnn, f32, false", "gru, bf16, true", "lstm, bf16, false", "lstm, bf16, true"})
    void validatingOnTheTrainingBuffersChangesNothing(String cell, String precision, boolean layerNorm) {
        if (precision.equals("bf16") && KernelChoice.whyNoBf16() != null) return; // bf16 products cannot run here
        Corpus text = text();
        ComputationGraph validated = graph(cell, precision, layerNorm);
        ComputationGraph plain = graph(cell, precision, layerNorm);
        TrainingStep a = new TrainingStep(validated);
        TrainingStep b = new TrainingStep(plain);
        CarriedState ca = CarriedState.of(validated);
        CarriedState cb = CarriedState.of(plain);
        StreamLayout layout = new StreamLayout(new Region(0, 30000), BATCH, T, false);
        CharacterIterator it = new CharacterIterator(text, layout, GraphFactory.encoding(validated), validated.params().dataType());
        Region val = new Region(30000, 10000);
        for (int update = 0; update < 6; update++) {
            DataSet batch = it.next();
            a.fit(batch);
            ca.advance();
            b.fit(batch);
            cb.advance();
            if (update % 2 == 1) {
                double between = Evaluator.evaluate(validated, text, val, BATCH, T).natsPerChar();
                ComputationGraph untrained = graph(cell, precision, layerNorm); // no training forward: buffers of its own
                untrained.params().assign(validated.params());
                assertEquals(Evaluator.evaluate(untrained, text, val, BATCH, T).natsPerChar(), between, 0.0,
                        "validation after update " + update);
            }
            assertArrayEquals(plain.params().toFloatVector(), validated.params().toFloatVector(), "weights after update " + update);
        }
    }
}
