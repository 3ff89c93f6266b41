package org.charrnn.train;

import org.charrnn.model.kernel.FloatArrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.function.Function;

/**
 * Tail averaging (train.average_from): once the schedule's progress reaches the key's fraction, the
 * mean of the weights after every update since. The last part of a schedule wanders around a
 * minimum at a low rate; the mean of where it wandered lies nearer that minimum than any one
 * step, so validations score the mean and checkpoints hold it. Training itself continues from its
 * own weights, which a checkpoint keeps beside the mean so that a resume continues exactly.
 */
final class WeightAverage {
    private static final int CHUNK = 4096;

    private final double from;
    private final float[] w = new float[CHUNK];
    private final float[] m = new float[CHUNK];
    private INDArray mean;
    private long count;

    WeightAverage(double from) {
        this.from = from;
    }

    /** Whether the run averages at all (average_from below 1). */
    boolean enabled() {
        return from < 1;
    }

    /** Updates averaged so far (0: none yet, the weights are the training weights). */
    long count() {
        return count;
    }

    /**
     * Adds the weights after an update, once {@code progress} (the schedule's, 0–1) has reached
     * average_from; true for the first weights averaged.
     */
    boolean add(ComputationGraph graph, double progress) {
        if (!enabled() || count == 0 && progress < from) return false;
        INDArray weights = graph.params();
        count++;
        if (mean == null) {
            mean = weights.dup();
            return true;
        }
        double k = 1.0 / count;
        if (FloatArrays.isContiguousFloat(weights) && FloatArrays.isContiguousFloat(mean)) {
            addFloats(FloatArrays.buffer(weights), FloatArrays.buffer(mean), (int) mean.length(), (float) k);
        } else {
            mean.muli(1 - k);
            Nd4j.getBlasWrapper().level1().axpy(mean.length(), k, weights, mean);
        }
        return false;
    }

    /**
     * mean += (w − mean)·k in Java, a chunk at a time: two ND4J ops per update, run through its
     * thread pool between our kernels' own threads, slowed training far more than their arithmetic costs.
     */
    private void addFloats(FloatBuffer weights, FloatBuffer mean, int length, float k) {
        for (int from = 0; from < length; from += CHUNK) {
            int len = Math.min(CHUNK, length - from);
            weights.get(from, w, 0, len);
            mean.get(from, m, 0, len);
            for (int i = 0; i < len; i++) m[i] += (w[i] - m[i]) * k;
            mean.put(from, m, 0, len);
        }
    }

    /**
     * Where a run (re)starts: {@code count} updates averaged, their mean {@code restoredMean} (read
     * from a checkpoint; null when the mean is this object's own or there is none).
     */
    void startAt(long count, INDArray restoredMean) {
        if (restoredMean != null) {
            mean = restoredMean;
            this.count = count;
        } else if (count == 0) {
            mean = null;
            this.count = 0;
        } else if (count != this.count) {
            throw new IllegalStateException("the weight average holds " + this.count + " updates, the state to continue from " + count);
        }
    }

    /**
     * Runs {@code withMean} with the mean in the graph's weights, handing it the training weights
     * (null when nothing is averaged yet: then the graph's weights are both), and puts the training
     * weights back afterwards, exactly.
     */
    <T> T withMean(ComputationGraph graph, Function<INDArray, T> withMean) {
        if (count == 0) return withMean.apply(null);
        INDArray training = graph.params().dup();
        graph.params().assign(mean);
        try {
            return withMean.apply(training);
        } finally {
            graph.params().assign(training);
        }
    }
}
