package org.charrnn.model;

import org.charrnn.config.ModelConfig;
import org.charrnn.config.TrainConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sampler's single-step path gives DL4J's rnnTimeStep distributions, step after step. */
class StepperTest {
    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn"})
    void matchesRnnTimeStepOverALongStream(String cell) {
        assertMatchesRnnTimeStep(cell, 30, 24, 3, 200, 0.4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn"})
    void bigLayersSplitBetweenTwoThreadsGiveTheSameBitsAsOneThread(String cell) {
        int vocab = 30;
        int units = cell.equals("rnn") ? 1024 : 600;
        ComputationGraph g = GraphFactory.build(new ModelConfig(cell, "fused", units, 2, 0, 0, 0.08, 1), train(), vocab);
        Stepper stepper = new Stepper(g);
        assertTrue(g.getLayer("rnn0") instanceof org.charrnn.model.kernel.FusedRecurrentLayer f
                && (long) (vocab + units) * f.cell().gateBlocks() * units >= Stepper.SPLIT_WORK, "both layers take the split path");
        float[][] split = steps(stepper, vocab, 40);
        Stepper.splitWork = Long.MAX_VALUE;
        try {
            float[][] whole = steps(new Stepper(g), vocab, 40);
            for (int s = 0; s < whole.length; s++) assertArrayEquals(whole[s], split[s], "step " + s);
        } finally {
            Stepper.splitWork = Stepper.SPLIT_WORK;
        }
        assertMatchesRnnTimeStep(cell, vocab, units, 2, 40, 0.08);
    }

    private static TrainConfig train() {
        return new TrainConfig(1, 10, 1, "rmsprop", 1e-3, 1, 10, 0.95, 5, 11, 10, 1, "", "x", 1);
    }

    private static float[][] steps(Stepper stepper, int vocab, int steps) {
        Random r = new Random(5);
        float[][] out = new float[steps][];
        for (int s = 0; s < steps; s++) out[s] = stepper.step(r.nextInt(vocab)).clone();
        return out;
    }

    private static void assertMatchesRnnTimeStep(String cell, int vocab, int units, int layers, int steps, double initRange) {
        ModelConfig m = new ModelConfig(cell, "fused", units, layers, 0, 0, initRange, 1);
        TrainConfig t = new TrainConfig(1, 10, 1, "rmsprop", 1e-3, 1, 10, 0.95, 5, 11, 10, 1, "", "x", 1);
        ComputationGraph g = GraphFactory.build(m, t, vocab);
        Stepper stepper = new Stepper(g);
        g.rnnClearPreviousState();
        Random r = new Random(3);
        double worst = 0;
        for (int step = 0; step < steps; step++) {
            int c = r.nextInt(vocab);
            INDArray x = Nd4j.zeros(DataType.FLOAT, 1, vocab, 1);
            x.putScalar(0, c, 0, 1f);
            float[] expected = g.rnnTimeStep(x)[0].reshape(vocab).toFloatVector();
            float[] actual = stepper.step(c);
            for (int v = 0; v < vocab; v++) worst = Math.max(worst, Math.abs(expected[v] - actual[v]));
        }
        assertTrue(worst < 1e-5, "largest probability difference " + worst);
    }

    @Test
    void onlyStacksOfOurOneHotCellsAreSupported() {
        TrainConfig t = new TrainConfig(1, 10, 1, "rmsprop", 1e-3, 1, 10, 0.95, 5, 11, 10, 1, "", "x", 1);
        assertTrue(Stepper.supports(GraphFactory.build(new ModelConfig("lstm", "fused", 8, 1, 0, 0, 0.1, 1), t, 5)));
        assertFalse(Stepper.supports(GraphFactory.build(new ModelConfig("lstm", "stock", 8, 1, 0, 0, 0.1, 1), t, 5)));
        assertFalse(Stepper.supports(GraphFactory.build(new ModelConfig("lstm", "fused", 8, 1, 0, 4, 0.1, 1), t, 5)));
        assertTrue(Stepper.supports(GraphFactory.build(new ModelConfig("gru", "fused", 8, 1, 0, 0, 0.1, 1), t, 5)));
        assertTrue(Stepper.supports(GraphFactory.build(new ModelConfig("rnn", "fused", 8, 1, 0, 0, 0.1, 1), t, 5)));
        assertFalse(Stepper.supports(GraphFactory.build(new ModelConfig("rnn", "stock", 8, 1, 0, 0, 0.1, 1), t, 5)));
    }
}
