package org.charrnn.model;

import org.charrnn.config.ConfigLoader;
import org.charrnn.config.RunConfig;
import org.charrnn.testing.OneHotSegments;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our training step against ComputationGraph.fit: the same weights, optimizer state, iteration count
 * and loss after several updates, for every optimizer, with clipping that bites and with dropout.
 */
class TrainingStepTest {
    private static final int VOCAB = 11;
    private static final int BATCH = 5;
    private static final int T = 7;

    private static ComputationGraph graph(String optimizer, double rate, double clip, double dropout) {
        RunConfig c = ConfigLoader.of("model.type=lstm", "model.rnn_size=12", "model.num_layers=2", "model.init_range=0.3",
                "model.dropout=" + dropout, "train.optimizer=" + optimizer, "train.learning_rate=" + rate,
                "train.grad_clip=" + clip, "train.seed=7");
        return GraphFactory.build(c.model(), c.train().optimization(), VOCAB, DataType.FLOAT);
    }

    /** Largest |a − b| / (|b| + 1e-3) over the elements: relative, with a floor for values near zero. */
    private static double worst(INDArray a, INDArray b) {
        float[] x = a.dup().data().asFloat();
        float[] y = b.dup().data().asFloat();
        assertEquals(y.length, x.length);
        double w = 0;
        for (int i = 0; i < x.length; i++) w = Math.max(w, Math.abs(x[i] - y[i]) / (Math.abs(y[i]) + 1e-3));
        return w;
    }

    @ParameterizedTest(name = "{0} lr {1} clip {2} dropout {3}")
    @CsvSource({"rmsprop, 0.01, 5, 0", "rmsprop, 0.01, 0.002, 0.3", "adam, 0.01, 0.002, 0", "adam, 0.01, 0, 0.3",
            "adagrad, 0.1, 0.002, 0", "sgd, 0.5, 0.002, 0", "sgd, 0.5, 0, 0"})
    void equalsDl4jsFitUpdateAfterUpdate(String optimizer, double rate, double clip, double dropout) {
        ComputationGraph dl4j = graph(optimizer, rate, clip, dropout);
        ComputationGraph ours = graph(optimizer, rate, clip, dropout);
        assertEquals(dl4j.params(), ours.params());
        TrainingStep step = new TrainingStep(ours);
        assertTrue(step.fused(), "the fused update applies to the graphs GraphFactory builds");
        Random r = new Random(11);
        for (int i = 0; i < 6; i++) {
            INDArray[] d = OneHotSegments.random(r, DataType.FLOAT, BATCH, VOCAB, T);
            DataSet batch = new DataSet(d[0], d[1]);
            if (i >= 3) {
                // rate changes, as the schedules make: DL4J rebuilds its updater and state arrays, ours sets the rate in place
                dl4j.setLearningRate(rate / i);
                step.setLearningRate(rate / i);
            }
            Nd4j.getRandom().setSeed(100 + i);
            dl4j.fit(batch);
            Nd4j.getRandom().setSeed(100 + i);
            step.fit(batch);
            assertEquals(dl4j.score(), ours.score(), 1e-5 * Math.abs(dl4j.score()), "loss of update " + i);
            assertEquals(dl4j.getIterationCount(), ours.getIterationCount());
            double w = worst(ours.params(), dl4j.params());
            assertTrue(w < 1e-4, "weights after update " + i + " differ by " + w);
            if (!optimizer.equals("sgd")) { // SGD keeps no state
                double s = worst(ours.getUpdater().getStateViewArray(), dl4j.getUpdater().getStateViewArray());
                assertTrue(s < 1e-4, "optimizer state after update " + i + " differs by " + s);
            }
        }
        INDArray state = ours.getUpdater().getStateViewArray();
        step.setLearningRate(rate / 7);
        assertTrue(state == ours.getUpdater().getStateViewArray(), "a rate change keeps the optimizer's state arrays");
        // The update moved the weights (a step that did nothing would pass the comparisons above).
        assertTrue(worst(ours.params(), graph(optimizer, rate, clip, dropout).params()) > 1e-3);
    }
}
