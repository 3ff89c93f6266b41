package org.charrnn.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.charrnn.train.StepFailure;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Spark waits for executors without end: a cluster with no free cores, or whose executors all died,
 * leaves a step waiting forever. This watch cancels the run's jobs once the cluster has had no
 * executor for distributed.executor_wait, so the step fails with a line that says so (and the trainer
 * saves its last update). In-process (local) Spark runs its tasks in the driver: nothing to watch.
 */
final class ExecutorWatch implements AutoCloseable {
    private final JavaSparkContext spark;
    private final long patienceSeconds;
    private final ScheduledExecutorService timer;
    private volatile long noneSince = -1;
    private volatile boolean gaveUp;

    private ExecutorWatch(JavaSparkContext spark, boolean watch, long patienceSeconds) {
        this.spark = spark;
        this.patienceSeconds = patienceSeconds;
        if (!watch) {
            timer = null;
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "charrnn-executor-watch");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    static ExecutorWatch start(JavaSparkContext spark, long patienceSeconds) {
        return new ExecutorWatch(spark, !spark.master().startsWith("local"), patienceSeconds);
    }

    private void check() {
        // The driver is listed among the executors; the cluster's are the others.
        boolean none = spark.sc().statusTracker().getExecutorInfos().length <= 1;
        long now = System.nanoTime();
        if (!none) {
            noneSince = -1;
        } else if (noneSince < 0) {
            noneSince = now;
        } else if (now - noneSince > TimeUnit.SECONDS.toNanos(patienceSeconds) && !gaveUp) {
            gaveUp = true;
            spark.cancelAllJobs();
        }
    }

    boolean gaveUp() {
        return gaveUp;
    }

    StepFailure failure(String master, Throwable cause) {
        return new StepFailure("distributed.master: '" + master + "' has had no executor for " + patienceSeconds
                + " s (distributed.executor_wait; none joined, or all were lost): check that the workers are running and have free"
                + " cores and the memory distributed.executor_memory asks for", cause);
    }

    @Override
    public void close() {
        if (timer != null) timer.shutdownNow();
    }
}
