package org.charrnn.spark;

import org.charrnn.model.layer.CarriedState;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What workers send back, summed by the driver in worker order: the gradient summed over
 * their rows (not yet divided by the minibatch), the loss summed over their rows, each worker's
 * carried state for the next step, and how long the slowest of them computed.
 */
final class ShardResult {
    /** What a worker sends besides its gradient's floats. */
    record Header(int worker, double lossSum, Map<String, CarriedState.Layer> carried, long computeNanos) implements Serializable {}

    private final float[] gradient;
    double lossSum;
    final TreeMap<Integer, Map<String, CarriedState.Layer>> carried = new TreeMap<>();
    long slowestComputeNanos;

    ShardResult(int worker, float[] gradient, double lossSum, Map<String, CarriedState.Layer> carried, long computeNanos) {
        this.gradient = gradient;
        this.lossSum = lossSum;
        this.carried.put(worker, carried);
        this.slowestComputeNanos = computeNanos;
    }

    /** Adds {@code other} into this one (reductions may reuse their first argument) and returns it. */
    ShardResult plus(ShardResult other) {
        float[] sum = gradient;
        float[] more = other.gradient;
        if (more.length != sum.length) throw new IllegalStateException("gradients of different models");
        for (int i = 0; i < sum.length; i++) sum[i] += more[i];
        lossSum += other.lossSum;
        carried.putAll(other.carried);
        slowestComputeNanos = Math.max(slowestComputeNanos, other.slowestComputeNanos);
        return this;
    }

    float[] gradient() {
        return gradient;
    }

    static ShardResult of(Header h, float[] gradient) {
        return new ShardResult(h.worker(), gradient, h.lossSum(), h.carried(), h.computeNanos());
    }

    Header header() {
        return new Header(carried.firstKey(), lossSum, carried.firstEntry().getValue(), slowestComputeNanos);
    }

    /** The whole minibatch's carried state: every worker's rows, in stream order. */
    Map<String, CarriedState.Layer> carriedInStreamOrder() {
        Map<String, CarriedState.Layer> whole = new LinkedHashMap<>();
        for (Map<String, CarriedState.Layer> part : carried.values()) {
            part.forEach((name, s) -> whole.merge(name, s, CarriedState.Layer::then));
        }
        return whole;
    }
}
