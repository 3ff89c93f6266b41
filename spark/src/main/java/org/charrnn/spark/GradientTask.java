package org.charrnn.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.charrnn.model.kernel.FloatArrays;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One worker's part of one step, run on an executor: the broadcast weights into a graph of the
 * run's configuration, the worker's carried state into its layers, forward and backward over its
 * streams' segment, and back the gradient (summed over its rows), the loss summed over its rows and
 * the state its streams end in. A pure function of its input and the weights.
 */
final class GradientTask implements Function<ShardInput, ShardResult> {
    /** Tests only: the first attempt of worker 1's task at this iteration fails, so Spark retries it. */
    static volatile long failFirstAttemptAt = -1;

    private final Broadcast<String> configurationJson;
    private final Broadcast<Floats> weights;
    private final boolean dropout;

    GradientTask(Broadcast<String> configurationJson, Broadcast<Floats> weights, boolean dropout) {
        this.configurationJson = configurationJson;
        this.weights = weights;
        this.dropout = dropout;
    }

    @Override
    public ShardResult call(ShardInput in) {
        long t0 = System.nanoTime();
        String json = configurationJson.value();
        WorkerGraphs.Worker w = WorkerGraphs.borrow(json);
        try {
            FloatArrays.buffer(w.graph().params()).put(0, weights.value().values());
            w.carried().restore(in.carried());
            if (dropout) Nd4j.getRandom().setSeed(in.seed());
            w.step().gradient(in.dataSet());
            w.carried().advance();
            TaskContext task = TaskContext.get();
            if (in.iteration() == failFirstAttemptAt && in.share().worker() == 1 && task != null && task.attemptNumber() == 0) {
                throw new IllegalStateException("a failure injected by a test into worker 1 at iteration " + in.iteration());
            }
            float[] gradient = new float[(int) w.graph().numParams()];
            FloatArrays.buffer(w.graph().getFlattenedGradients()).get(0, gradient);
            double lossSum = w.graph().score() * in.share().rows();
            return new ShardResult(in.share().worker(), gradient, lossSum, w.carried().snapshot(), System.nanoTime() - t0);
        } finally {
            w.graph().clearLayersStates();
            WorkerGraphs.giveBack(json, w);
        }
    }
}
