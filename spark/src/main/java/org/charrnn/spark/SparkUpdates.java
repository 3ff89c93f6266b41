package org.charrnn.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.charrnn.config.RunConfig;
import org.charrnn.model.TrainingStep;
import org.charrnn.model.kernel.FloatArrays;
import org.charrnn.model.layer.CarriedState;
import org.charrnn.train.StepFailure;
import org.charrnn.train.UpdateEngine;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Exact synchronous data parallelism: a long-lived task per worker ({@link WorkerLoop}) holds a
 * graph of the run's configuration; every step the driver sends each worker the weights and its own
 * streams ({@link StreamShare}) with their carried state, each computes the gradient of its rows,
 * and the driver sums them in worker order and applies one update with the trainer's own step — the
 * same training as one machine with the whole batch, up to the order of float sums. The weights,
 * optimizer state and carried state stay in the driver's graph between steps, where checkpoints find
 * them; workers keep nothing but buffers, so a task Spark starts again elsewhere needs nothing but
 * the step it is sent again.
 */
final class SparkUpdates implements UpdateEngine {
    private final ComputationGraph graph;
    private final TrainingStep step;
    private final CarriedState carried;
    private final boolean dropout;
    private final int batch;
    private final List<StreamShare> shares;
    private final JavaSparkContext spark;
    private final String master;
    private final WorkerLinks links;

    /** How much each step counts in the live split's moving averages. */
    private static final double RECENT = 0.9;

    private long firstStepNanos = -1;
    private double recentStep;
    private double recentCompute;
    private long steps;
    private long stepNanos;
    private long computeNanos;
    private long updateNanos;
    private long bytesOut;

    SparkUpdates(RunConfig config, ComputationGraph graph, TrainingStep step, CarriedState carried) {
        this.graph = graph;
        this.step = step;
        this.carried = carried;
        this.dropout = config.model().dropout() > 0;
        this.batch = config.train().batchSize();
        this.shares = StreamShare.split(batch, config.distributed().workers());
        this.spark = SparkContexts.start(config);
        this.master = spark.master();
        try {
            Broadcast<String> configurationJson = spark.broadcast(graph.getConfiguration().toJson());
            this.links = new WorkerLinks(spark, configurationJson, dropout, shares.size(), config.distributed().executorWaitSeconds(),
                    config.distributed().driverPort());
        } catch (RuntimeException e) {
            spark.stop(); // the run ends here: no context left behind
            throw e;
        }
        if (graph.getFlattenedGradients() == null) graph.initGradientsView();
    }

    @Override
    public double update(DataSet minibatch) {
        long t0 = System.nanoTime();
        int rows = (int) minibatch.getFeatures().size(0);
        if (rows != batch) throw new IllegalStateException("a minibatch of " + rows + " streams; the workers share " + batch);
        long iteration = graph.getIterationCount();
        long seed = dropout ? Nd4j.getRandom().nextLong() : 0; // the trainer seeded this iteration's generator
        Map<String, CarriedState.Layer> state = carried.snapshot();
        List<ShardInput> inputs = new ArrayList<>();
        long moved = 0;
        for (StreamShare share : shares) {
            ShardInput in = ShardInput.of(share, iteration, minibatch, state, seed + 0x9E3779B97F4A7C15L * share.worker());
            moved += in.bytes();
            inputs.add(in);
        }
        // Nothing of the step is applied until its gradient has arrived whole: a failure leaves the last update intact.
        ShardResult sum = gradientSum(inputs);
        long u0 = System.nanoTime();
        step.apply(rows);
        carried.restore(sum.carriedInStreamOrder());
        double score = sum.lossSum / rows;
        graph.setScore(score);
        long end = System.nanoTime();

        if (firstStepNanos < 0) { // it waited for the executors to start and build their graphs: counted apart
            firstStepNanos = end - t0;
        } else {
            steps++;
            stepNanos += end - t0;
            updateNanos += end - u0;
            computeNanos += sum.slowestComputeNanos;
            bytesOut += moved;
        }
        recentStep = RECENT * recentStep + (1 - RECENT) * (end - t0);
        recentCompute = RECENT * recentCompute + (1 - RECENT) * sum.slowestComputeNanos;
        return score;
    }

    @Override
    public Optional<String> description() {
        if (master.startsWith("local")) return Optional.empty();
        String ui = spark.sc().uiWebUrl().isDefined() ? ", its web UI at " + spark.sc().uiWebUrl().get() : "";
        return Optional.of("spark: " + shares.size() + " workers on " + master + ", application " + spark.sc().applicationId() + ui);
    }

    /** The workers' gradients for this step, summed; a failure on the way is a {@link StepFailure} in one line. */
    private ShardResult gradientSum(List<ShardInput> inputs) {
        try {
            return links.step(graph.params(), inputs, graph.getFlattenedGradients());
        } catch (StepFailure f) {
            throw f;
        } catch (RuntimeException e) {
            throw new StepFailure(SparkContexts.failure("a training step on Spark (" + master + ")", e).getMessage(), e);
        }
    }

    /** The recent steps: the slowest worker's compute against the rest (sending, receiving, summing, the update). */
    @Override
    public String live() {
        if (firstStepNanos < 0) return "";
        return String.format(Locale.ROOT, "spark %.1f ms compute + %.1f ms other", recentCompute / 1e6,
                Math.max(0, recentStep - recentCompute) / 1e6);
    }

    /**
     * Per step after the first (which waits for the executors to start): the slowest worker's compute,
     * the driver's update, and the rest (the transfers to and from the workers, the sum).
     */
    @Override
    public Optional<String> summary() {
        if (firstStepNanos < 0) return Optional.empty();
        String first = String.format(Locale.ROOT, "the first step %.1f s (the executors starting)", firstStepNanos / 1e9);
        if (steps == 0) return Optional.of("spark: " + shares.size() + " workers on " + master + ": " + first);
        double step = stepNanos / 1e6 / steps;
        double compute = computeNanos / 1e6 / steps;
        double update = updateNanos / 1e6 / steps;
        double weightsMb = 4.0 * graph.numParams() / 1e6;
        return Optional.of(String.format(Locale.ROOT,
                "spark: %d workers on %s: %s, then %d steps of %.1f ms: the slowest worker's gradient %.1f ms, the update"
                        + " %.1f ms, transfers and sum %.1f ms; moved per step: the weights (%.2f MB) to each worker,"
                        + " a gradient (%.2f MB) from each, streams and state %.3f MB",
                shares.size(), master, first, steps, step, compute, update, Math.max(0, step - compute - update), weightsMb,
                weightsMb, bytesOut / 1e6 / steps));
    }

    @Override
    public void close() {
        links.close();
        spark.stop();
    }
}
