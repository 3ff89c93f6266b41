package org.charrnn.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.charrnn.train.TrainingException;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Spark waits for executors without end: a cluster with no free cores, or whose executors all died,
 * leaves a step waiting forever. This watch cancels the run's jobs once the cluster has had no
 * executor for {@link #PATIENCE_SECONDS}, so the step fails with a line that says so (the last
 * checkpoint is intact). In-process (local) Spark runs its tasks in the driver: nothing to watch.
 */
final class ExecutorWatch implements AutoCloseable {
    static final long PATIENCE_SECONDS = 120;

    private final JavaSparkContext spark;
    private final ScheduledExecutorService timer;
    private volatile long noneSince = -1;
    private volatile boolean gaveUp;

    private ExecutorWatch(JavaSparkContext spark, boolean watch) {
        this.spark = spark;
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

    static ExecutorWatch start(JavaSparkContext spark) {
        return new ExecutorWatch(spark, !spark.master().startsWith("local"));
    }

    private void check() {
        // The driver is listed among the executors; the cluster's are the others.
        boolean none = spark.sc().statusTracker().getExecutorInfos().length <= 1;
        long now = System.nanoTime();
        if (!none) {
            noneSince = -1;
        } else if (noneSince < 0) {
            noneSince = now;
        } else if (now - noneSince > TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS) && !gaveUp) {
            gaveUp = true;
            spark.cancelAllJobs();
        }
    }

    boolean gaveUp() {
        return gaveUp;
    }

    TrainingException failure(String master) {
        return new TrainingException("distributed.master: '" + master + "' has had no executor for " + PATIENCE_SECONDS
                + " s (none joined, or all were lost): check that the cluster has free cores and the memory spark.executor.memory"
                + " asks for; the run's checkpoints are intact (--resume last continues it, on one machine with"
                + " --set distributed.workers=0)");
    }

    @Override
    public void close() {
        if (timer != null) timer.shutdownNow();
    }
}
