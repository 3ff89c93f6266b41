package org.charrnn.model;

import org.charrnn.model.output.SoftmaxOutputConfig;
import org.charrnn.model.output.SoftmaxOutputLayer;
import org.charrnn.testing.FiniteDifferences;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our output layer computes exactly what DL4J's RnnOutputLayer with MCXENT computes — score,
 * weight and bias gradients, and the gradient it passes down — from index labels or one-hot labels,
 * in float and double; and its gradients match finite differences in double precision.
 */
class SoftmaxOutputTest {
    private static final int BATCH = 3;
    private static final int N = 5;
    private static final int V = 7;
    private static final int T = 4;

    private static ComputationGraph graph(org.deeplearning4j.nn.conf.layers.Layer out, DataType type) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).dataType(type).updater(new Sgd(0.1))
                .graphBuilder().addInputs("h").addLayer("out", out, "h").setOutputs("out").build());
        g.init();
        g.initGradientsView(); // the tests call the layer directly, without a fit that would set it up
        return g;
    }

    private static RnnOutputLayer dl4j() {
        return new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(N).nOut(V)
                .dataFormat(RNNFormat.NCW).build();
    }

    /** {input [B, N, T], index labels [B, 1, T], the same labels one-hot [B, V, T]}. */
    private static INDArray[] data(DataType type, long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(type, BATCH, N, T);
        INDArray idx = Nd4j.create(type, BATCH, 1, T);
        INDArray dense = Nd4j.zeros(type, BATCH, V, T);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < T; t++) {
                for (int k = 0; k < N; k++) x.putScalar(new long[]{b, k, t}, r.nextGaussian());
                int c = r.nextInt(V);
                idx.putScalar(new long[]{b, 0, t}, c);
                dense.putScalar(new long[]{b, c, t}, 1.0);
            }
        }
        return new INDArray[]{x, idx, dense};
    }

    private record Result(double score, INDArray dW, INDArray db, INDArray epsilon) {}

    private static Result run(Layer layer, INDArray x, INDArray labels) {
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(x, ws);
        ((org.deeplearning4j.nn.api.layers.IOutputLayer) layer).setLabels(labels);
        Pair<Gradient, INDArray> p = layer.backpropGradient(null, ws);
        double score = ((org.deeplearning4j.nn.api.layers.IOutputLayer) layer).computeScore(0, true, ws);
        Map<String, INDArray> g = p.getFirst().gradientForVariable();
        Result res = new Result(score, g.get("W").dup(), g.get("b").dup(), p.getSecond().dup());
        layer.clear();
        return res;
    }

    private static void assertClose(String what, INDArray expected, INDArray actual, double tolerance) {
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-6);
        double err = expected.sub(actual.reshape(expected.shape())).amaxNumber().doubleValue() / scale;
        assertTrue(err < tolerance, what + ": relative error " + err);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void equalsDl4jsRnnOutputLayerWithMcxent(String typeName) {
        DataType type = DataType.valueOf(typeName);
        double tol = type == DataType.FLOAT ? 1e-5 : 1e-12;
        ComputationGraph theirs = graph(dl4j(), type);
        ComputationGraph ours = graph(SoftmaxOutputConfig.of(N, V, null), type);
        ours.setParams(theirs.params().dup());
        assertTrue(ours.getLayer("out") instanceof SoftmaxOutputLayer);
        INDArray[] d = data(type, 7);
        Result expected = run(theirs.getLayer("out"), d[0], d[2]);
        for (INDArray labels : new INDArray[]{d[1], d[2]}) {
            String what = typeName + (labels == d[1] ? " index labels" : " one-hot labels");
            Result actual = run(ours.getLayer("out"), d[0], labels);
            assertEquals(expected.score(), actual.score(), tol * Math.abs(expected.score()), what + " score");
            assertClose(what + " dW", expected.dW(), actual.dW(), tol);
            assertClose(what + " db", expected.db(), actual.db(), tol);
            assertClose(what + " epsilon", expected.epsilon(), actual.epsilon(), tol);
        }
        // The score without a backward pass first (validation, eval) is the same number.
        Layer out = ours.getLayer("out");
        out.setInput(d[0], LayerWorkspaceMgr.noWorkspaces());
        ((SoftmaxOutputLayer) out).setLabels(d[1]);
        assertEquals(expected.score(), ((SoftmaxOutputLayer) out).computeScore(0, false, LayerWorkspaceMgr.noWorkspaces()),
                tol * Math.abs(expected.score()));
    }

    @Test
    void gradientsMatchFiniteDifferencesWithIndexLabels() {
        DataType previous = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ComputationGraph g = graph(SoftmaxOutputConfig.of(N, V, null), DataType.DOUBLE);
            INDArray[] d = data(DataType.DOUBLE, 3);
            Map<String, Double> errors = FiniteDifferences.maxRelativeErrors(g, d[0], d[1], () -> { });
            errors.forEach((k, e) -> assertTrue(e < 1e-6, k + ": relative error " + e));
            assertEquals(2, errors.size());
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }

    @Test
    void dropoutApplies() {
        ComputationGraph g = graph(SoftmaxOutputConfig.of(N, V, new Dropout(0.5)), DataType.FLOAT);
        INDArray[] d = data(DataType.FLOAT, 5);
        Layer out = g.getLayer("out");
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        out.setInput(d[0], ws);
        ((SoftmaxOutputLayer) out).setLabels(d[1]);
        double training = ((SoftmaxOutputLayer) out).computeScore(0, true, ws);
        out.clear();
        out.setInput(d[0], ws);
        ((SoftmaxOutputLayer) out).setLabels(d[1]);
        double inference = ((SoftmaxOutputLayer) out).computeScore(0, false, ws);
        assertTrue(Math.abs(training - inference) > 1e-4, "training drops inputs: " + training + " vs " + inference);
    }
}
