package org.charrnn.spark;

import org.charrnn.model.layer.CarriedState;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * What one worker needs for one step besides the weights: its streams' segment of the minibatch
 * (features and labels, as the graph's encoding has them), the state its streams carried in, and
 * the dropout seed. Everything a task depends on is here or in the broadcast weights, so a task
 * Spark retries computes the same gradient.
 */
record ShardInput(StreamShare share, long iteration, float[] features, long[] featureShape, float[] labels, long[] labelShape,
                  Map<String, CarriedState.Layer> carried, long seed) implements Serializable {

    /** This share's rows of the minibatch and of the carried state. */
    static ShardInput of(StreamShare share, long iteration, DataSet batch, Map<String, CarriedState.Layer> carried, long seed) {
        var f = batch.getFeatures().get(interval(share.from(), share.to()), all(), all()).dup('c');
        var l = batch.getLabels().get(interval(share.from(), share.to()), all(), all()).dup('c');
        Map<String, CarriedState.Layer> rows = new LinkedHashMap<>();
        carried.forEach((name, s) -> rows.put(name, s.rows(share.from(), share.to())));
        return new ShardInput(share, iteration, f.data().asFloat(), f.shape(), l.data().asFloat(), l.shape(), rows, seed);
    }

    DataSet dataSet() {
        return new DataSet(Nd4j.create(features, featureShape, 'c'), Nd4j.create(labels, labelShape, 'c'));
    }

    /** Bytes of characters and state this input moves to its worker. */
    long bytes() {
        long state = carried.values().stream().mapToLong(s -> (long) s.h().length + (s.c() == null ? 0 : s.c().length)).sum();
        return 4L * (features.length + labels.length + state);
    }

    @Override
    public String toString() {
        return "ShardInput[" + share + ", iteration " + iteration + ", features " + Arrays.toString(featureShape) + "]";
    }
}
