package org.charrnn.model;

import org.charrnn.config.RunConfig;
import org.charrnn.config.ConfigLoader;
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
    @ValueSource(strings = {"lstm", "gru", "rnn", "gru+layer_norm", "lstm+layer_norm"})
    void matchesRnnTimeStepOverALongStream(String cell) {
        assertMatchesRnnTimeStep(cell, 30, 24, 3, 200, 0.4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn", "gru+layer_norm", "lstm+layer_norm"})
    void bigLayersSplitBetweenTwoThreadsGiveTheSameBitsAsOneThread(String cell) {
        int vocab = 30;
        int units = cell.equals("rnn") ? 1024 : 600;
        ComputationGraph g = graph(vocab, cellSettings(cell, "model.rnn_size=" + units));
        Stepper stepper = new Stepper(g);
        assertTrue(g.getLayer("rnn0") instanceof org.charrnn.model.layer.RecurrentLayer f
                && (long) (vocab + units) * f.cell().gateBlocks() * units >= Stepper.SPLIT_WORK, "both layers take the split path");
        float[][] split = steps(stepper, vocab, 40);
        float[][] whole = steps(new Stepper(g, Long.MAX_VALUE), vocab, 40);
        for (int s = 0; s < whole.length; s++) assertArrayEquals(whole[s], split[s], "step " + s);
        assertMatchesRnnTimeStep(cell, vocab, units, 2, 40, 0.08);
    }

    private static ComputationGraph graph(int vocab, String... settings) {
        RunConfig c = ConfigLoader.of(java.util.stream.Stream.concat(java.util.stream.Stream.of("train.seed=11"),
                java.util.stream.Stream.of(settings)).toArray(String[]::new));
        ComputationGraph g = GraphFactory.build(c.model(), c.train().optimization(), vocab);
        Random r = new Random(13);
        for (org.deeplearning4j.nn.api.Layer l : g.getLayers()) {
            // Layer-norm gains away from their initial 1, so that a gain applied in the wrong place shows.
            INDArray gains = l.paramTable().get("g");
            if (gains != null) for (long k = 0; k < gains.length(); k++) gains.putScalar(k, 0.5 + r.nextDouble());
        }
        return g;
    }

    /** "gru+layer_norm" is a GRU with model.layer_norm; any other name is a cell alone. */
    private static String[] cellSettings(String cell, String... more) {
        String[] parts = cell.split("\\+");
        java.util.List<String> s = new java.util.ArrayList<>(java.util.List.of("model.type=" + parts[0]));
        for (int i = 1; i < parts.length; i++) s.add("model." + parts[i] + "=true");
        s.addAll(java.util.List.of(more));
        return s.toArray(String[]::new);
    }

    private static float[][] steps(Stepper stepper, int vocab, int steps) {
        Random r = new Random(5);
        float[][] out = new float[steps][];
        for (int s = 0; s < steps; s++) out[s] = stepper.step(r.nextInt(vocab)).clone();
        return out;
    }

    private static void assertMatchesRnnTimeStep(String cell, int vocab, int units, int layers, int steps, double initRange) {
        ComputationGraph g = graph(vocab, cellSettings(cell, "model.rnn_size=" + units, "model.num_layers=" + layers,
                "model.init_range=" + initRange));
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
        String small = "model.rnn_size=8";
        String one = "model.num_layers=1";
        assertTrue(Stepper.supports(graph(5, small, one)));
        assertFalse(Stepper.supports(graph(5, small, one, "model.core=stock")));
        assertFalse(Stepper.supports(graph(5, small, one, "model.embedding_size=4")));
        assertTrue(Stepper.supports(graph(5, small, one, "model.type=gru")));
        assertTrue(Stepper.supports(graph(5, small, one, "model.type=rnn")));
        assertFalse(Stepper.supports(graph(5, small, one, "model.type=rnn", "model.core=stock")));
    }
}
