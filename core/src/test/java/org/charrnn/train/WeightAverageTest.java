package org.charrnn.train;

import org.charrnn.config.RunConfig;
import org.charrnn.model.GraphFactory;
import org.charrnn.testing.TestTexts;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train.average_from: the mean of the weights from the schedule's fraction on, scored without disturbing training. */
class WeightAverageTest {
    @TempDir
    Path tmp;

    private ComputationGraph graph() {
        RunConfig c = TestTexts.smallConfig(TestTexts.write(tmp, "t.txt", TestTexts.grammar(2000, 1)), tmp.resolve("run"));
        return GraphFactory.build(c.model(), c.train().optimization(), 12);
    }

    @Test
    void theMeanIsOfTheWeightsFromTheFractionOn() {
        ComputationGraph g = graph();
        WeightAverage average = new WeightAverage(0.5);
        List<INDArray> averaged = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            g.params().assign(Nd4j.rand(g.params().dataType(), g.params().shape()));
            double progress = i / 10.0;
            boolean first = average.add(g, progress);
            assertEquals(i == 5, first, "the first weights averaged are those at progress 0.5");
            if (progress >= 0.5) averaged.add(g.params().dup());
        }
        assertEquals(6, average.count());
        INDArray expected = Nd4j.zeros(g.params().dataType(), g.params().shape());
        for (INDArray w : averaged) expected.addi(w);
        expected.divi(averaged.size());
        INDArray training = g.params().dup();
        INDArray mean = average.withMean(g, t -> {
            assertEquals(training, t, "the training weights are handed over beside the mean");
            return g.params().dup();
        });
        assertTrue(expected.equalsWithEps(mean, 1e-6), "mean of the last six weights");
        assertEquals(training, g.params(), "the training weights are back, exactly");
    }

    @Test
    void offAtOneAndBeforeItsFraction() {
        ComputationGraph g = graph();
        WeightAverage off = new WeightAverage(1);
        assertFalse(off.enabled());
        assertFalse(off.add(g, 1.0));
        assertEquals(0, off.count());
        WeightAverage later = new WeightAverage(0.9);
        assertFalse(later.add(g, 0.5));
        INDArray before = g.params().dup();
        assertNull(later.withMean(g, t -> t), "nothing averaged: the graph's weights are the training weights");
        assertEquals(before, g.params());
    }
}
