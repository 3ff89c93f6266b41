package org.charrnn.model;

import org.charrnn.model.layer.CarriedState;
import org.charrnn.config.RunConfig;
import org.charrnn.config.ConfigLoader;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.charrnn.model.kernel.KernelChoice;
import org.charrnn.testing.OneHotSegments;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 training path end to end, for each cell: a graph computing with the fast kernel
 * (one-hot lookup in the first layer, direct sgemm, gradients written into DL4J's flattened gradient
 * views) against the same graph on the reference kernel, over two segments with carried state.
 */
class TrainingKernelInGraphTest {
    private static final int VOCAB = 13;
    private static final int BATCH = 6;
    private static final int T = 9;

    private static ComputationGraph graph(String cell, boolean nativeKernel) {
        return graph(cell, nativeKernel, 0);
    }

    private static ComputationGraph graph(String cell, boolean nativeKernel, double dropout) {
        String before = System.getProperty(KernelChoice.PROPERTY);
        if (nativeKernel) System.setProperty(KernelChoice.PROPERTY, "reference");
        try {
            RunConfig c = ConfigLoader.of("model.type=" + cell, "model.rnn_size=16", "model.init_range=0.3",
                    "train.optimizer=sgd", "train.learning_rate=0.1", "train.grad_clip=0", "train.seed=42", "model.dropout=" + dropout);
            return GraphFactory.build(c.model(), c.train().optimization(), VOCAB, DataType.FLOAT);
        } finally {
            if (before == null) System.clearProperty(KernelChoice.PROPERTY);
            else System.setProperty(KernelChoice.PROPERTY, before);
        }
    }

    private static Map<String, INDArray> gradients(ComputationGraph g, INDArray[] d) {
        Nd4j.getRandom().setSeed(17); // the same dropout masks for both graphs
        g.setInputs(d[0]);
        g.setLabels(d[1]);
        g.computeGradientAndScore();
        Map<String, INDArray> out = new java.util.TreeMap<>();
        g.gradient().gradientForVariable().forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn"})
    void fastKernelGradientsEqualTheReferenceAcrossACarriedSegment(String cell) {
        compare(graph(cell, false), graph(cell, true));
    }

    /**
     * With dropout between the layers: the layer above may mask what the layer below hands it in
     * place (DL4J allows it when a layer is its input's only reader); the lower kernel's weight
     * gradients must still come from its unmasked states. Checked against central differences of the
     * float graph, each evaluation with the same dropout masks.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn"})
    void withDropoutBetweenLayersTheLowerLayersGradientsAreRight(String cell) {
        RunConfig c = ConfigLoader.of("model.type=" + cell, "model.rnn_size=5", "model.init_range=0.5", "model.dropout=0.4",
                "train.optimizer=sgd", "train.grad_clip=0", "train.seed=42");
        ComputationGraph g = GraphFactory.build(c.model(), c.train().optimization(), 7, DataType.FLOAT);
        INDArray[] d = OneHotSegments.random(new Random(5), DataType.FLOAT, 4, 7, 6);
        Map<String, Double> errors = org.charrnn.testing.FiniteDifferences.relativeErrors(g, d[0], d[1],
                () -> Nd4j.getRandom().setSeed(17), 1e-2, k -> k.startsWith("rnn0"));
        errors.forEach((k, e) -> assertTrue(e < 0.02, k + ": relative error " + e + " (all: " + errors + ")"));
    }

    private static void compare(ComputationGraph fast, ComputationGraph reference) {
        reference.setParams(fast.params().dup());
        assertEquals("fused", GraphFactory.coreOf(fast));
        Random r = new Random(3);
        for (int segment = 0; segment < 2; segment++) {
            INDArray[] d = OneHotSegments.random(r, DataType.FLOAT, BATCH, VOCAB, T);
            Map<String, INDArray> gf = gradients(fast, d);
            Map<String, INDArray> gr = gradients(reference, d);
            assertEquals(gr.keySet(), gf.keySet());
            for (String key : gr.keySet()) {
                double scale = Math.max(gr.get(key).amaxNumber().doubleValue(), 1e-6);
                double err = gr.get(key).sub(gf.get(key)).amaxNumber().doubleValue() / scale;
                assertTrue(err < 1e-4, "segment " + segment + ", " + key + ": relative error " + err);
            }
            assertEquals(reference.score(), fast.score(), 1e-5);
            CarriedState.of(fast).advance();
            CarriedState.of(reference).advance();
        }
    }
}
