package org.charrnn.model;

import org.charrnn.model.layer.CarriedState;
import org.charrnn.config.Optimization;
import org.charrnn.config.ConfigLoader;
import org.charrnn.config.ModelConfig;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.recurrent.LSTM;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.charrnn.testing.FiniteDifferences;
import org.charrnn.testing.OneHotSegments;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactness of our cells' gradients (LSTM, GRU, RNN; double precision, central differences) in the
 * whole graph, from zero and from carried state, and the known DL4J defect they replace: the stock
 * LSTM's gradient when the forward starts from a carried state.
 */
class CellGradientTest {
    private static final int VOCAB = 5;
    private static final int BATCH = 3;
    private static final int T = 6;

    private static DataType previousDefault;

    @BeforeAll
    static void doublePrecision() {
        previousDefault = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restorePrecision() {
        Nd4j.setDefaultDataTypes(previousDefault, previousDefault); // other test classes share this JVM
    }

    static ModelConfig model(String core, int layers) {
        return model("lstm", core, layers);
    }

    static ModelConfig model(String cell, String core, int layers) {
        return ConfigLoader.of("model.type=" + cell, "model.core=" + core, "model.rnn_size=4", "model.num_layers=" + layers,
                "model.init_range=0.5").model();
    }

    static Optimization train() {
        return ConfigLoader.of("train.optimizer=sgd", "train.learning_rate=0.1", "train.grad_clip=0", "train.seed=42")
                .train().optimization();
    }

    static INDArray[] data(long seed) {
        return OneHotSegments.random(new Random(seed), DataType.DOUBLE, BATCH, VOCAB, T);
    }

    private static void assertExact(Map<String, Double> errors) {
        System.out.println("relative errors: " + errors);
        errors.forEach((k, e) -> assertTrue(e < 1e-6, "relative error of " + k + " is " + e + "; all: " + errors));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn"})
    void oneSegmentFromZeroState(String cell) {
        ComputationGraph g = GraphFactory.build(model(cell, "fused", 1), train(), VOCAB, DataType.DOUBLE);
        INDArray[] d = data(1);
        assertExact(FiniteDifferences.maxRelativeErrors(g, d[0], d[1], () -> CarriedState.of(g).reset()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru", "rnn"})
    void secondSegmentFromCarriedStateTwoStackedLayersAndOutput(String cell) {
        ComputationGraph g = GraphFactory.build(model(cell, "fused", 2), train(), VOCAB, DataType.DOUBLE);
        INDArray[] first = data(2);
        // First segment: fit once so the carried state is what training would really carry.
        g.fit(new org.nd4j.linalg.dataset.DataSet(first[0], first[1]));
        CarriedState state = CarriedState.of(g);
        state.advance();
        Map<String, CarriedState.Layer> carried = state.snapshot();
        assertTrue(carried.size() == 2 && Nd4j.create(carried.get("rnn0").h()).amaxNumber().doubleValue() > 1e-3,
                "the first segment must leave a non-zero state to carry");
        INDArray[] second = data(3);
        Map<String, Double> errors = FiniteDifferences.maxRelativeErrors(g, second[0], second[1],
                () -> state.restore(carried));
        assertExact(errors);
        assertTrue(errors.keySet().containsAll(java.util.List.of("rnn0_W", "rnn0_RW", "rnn0_b", "rnn1_W", "out_W", "out_b")),
                "every parameter was checked: " + errors.keySet());
    }

    /**
     * The layer-normalised GRU and LSTM (model.layer_norm), gains (and the LSTM's cell shift) moved away
     * from their initial values so that their gradients and the places they scale are both checked:
     * two stacked layers, carried state.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"gru", "lstm"})
    void layerNormalisedCellFromCarriedState(String cell) {
        ComputationGraph g = GraphFactory.build(ConfigLoader.of("model.type=" + cell, "model.layer_norm=true", "model.rnn_size=4",
                "model.num_layers=2", "model.init_range=0.5").model(), train(), VOCAB, DataType.DOUBLE);
        Random r = new Random(9);
        for (String layer : new String[]{"rnn0", "rnn1"}) {
            INDArray gains = g.getLayer(layer).getParam("g");
            for (long k = 0; k < gains.length(); k++) gains.putScalar(k, 0.5 + r.nextDouble());
        }
        INDArray[] first = data(4);
        g.fit(new org.nd4j.linalg.dataset.DataSet(first[0], first[1]));
        CarriedState state = CarriedState.of(g);
        state.advance();
        Map<String, CarriedState.Layer> carried = state.snapshot();
        INDArray[] second = data(5);
        Map<String, Double> errors = FiniteDifferences.maxRelativeErrors(g, second[0], second[1], () -> state.restore(carried));
        assertExact(errors);
        assertTrue(errors.keySet().containsAll(java.util.List.of("rnn0_W", "rnn0_RW", "rnn0_b", "rnn0_g", "rnn1_g")),
                "every parameter was checked, the gains too: " + errors.keySet());
    }

    /**
     * KNOWN DL4J 1.0.0-M2.1 DEFECT, kept on purpose: with a carried state (truncated BPTT), the
     * stock LSTM's score uses the carried state but its backward pass recomputes the forward from
     * zero state, so its gradient is wrong. This is why our fused layer exists. If a future DL4J
     * fixes it, this test fails and the stock core may carry state too.
     */
    @Test
    void stockLstmGradientIsWrongWithCarriedStateKnownDl4jDefect() {
        ComputationGraphConfiguration conf = GraphFactory.configuration(model("stock", 1), train(), VOCAB, DataType.DOUBLE);
        conf.setBackpropType(BackpropType.TruncatedBPTT);
        conf.setTbpttFwdLength(T);
        conf.setTbpttBackLength(T);
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        LSTM lstm = (LSTM) g.getLayer("rnn0");
        INDArray h0 = Nd4j.rand(DataType.DOUBLE, BATCH, 4).subi(0.5);
        INDArray c0 = Nd4j.rand(DataType.DOUBLE, BATCH, 4).subi(0.5);
        Runnable carry = () -> lstm.rnnSetTBPTTState(Map.of(LSTM.STATE_KEY_PREV_ACTIVATION, h0.dup(),
                LSTM.STATE_KEY_PREV_MEMCELL, c0.dup()));
        INDArray[] d = data(4);
        Map<String, Double> errors = FiniteDifferences.maxRelativeErrors(g, d[0], d[1], carry);
        System.out.println("stock LSTM with carried state, relative errors: " + errors);
        assertTrue(errors.get("out_W") < 1e-6, "the output layer's gradient is right: " + errors);
        assertTrue(errors.get("rnn0_RW") > 1e-3 || errors.get("rnn0_W") > 1e-3,
                "stock LSTM gradient with carried state was expected to be wrong (DL4J defect): " + errors);
    }

    @Test
    void sameWeightsGiveSameGradientsUnderStockLayerFromZeroState() {
        // Sanity of the harness itself: DL4J's stock LSTM from zero state passes the same check.
        ComputationGraph g = GraphFactory.build(model("stock", 1), train(), VOCAB, DataType.DOUBLE);
        INDArray[] d = data(5);
        Map<String, Double> errors = FiniteDifferences.maxRelativeErrors(g, d[0], d[1], () -> { });
        assertExact(errors);
        for (Layer l : g.getLayers()) assertTrue(l.numParams() > 0);
    }
}
