package org.charrnn.spark;

import org.charrnn.model.layer.CarriedState;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the workers sent back for one step besides their gradients (which the driver sums straight
 * into its graph): the loss summed over their rows, each worker's carried state for the next step,
 * and how long the slowest of them computed.
 */
final class ShardResult {
    /** What one worker sends ahead of its gradient's floats. */
    record Header(int worker, double lossSum, Map<String, CarriedState.Layer> carried, long computeNanos) implements Serializable {}

    double lossSum;
    final TreeMap<Integer, Map<String, CarriedState.Layer>> carried = new TreeMap<>();
    long slowestComputeNanos;

    void add(Header h) {
        lossSum += h.lossSum();
        carried.put(h.worker(), h.carried());
        slowestComputeNanos = Math.max(slowestComputeNanos, h.computeNanos());
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
