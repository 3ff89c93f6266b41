package org.charrnn.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A fault from outside the product, as a cluster deals them: a Spark listener (registered through
 * {@code spark.extraListeners}, so it sees the run's first tasks) that notes each partition's first
 * attempt, and kills it when told. Spark then reschedules the task, as it does one whose executor died.
 */
public final class TaskKiller extends SparkListener {
    private static final Map<Integer, Long> FIRST_ATTEMPTS = new ConcurrentHashMap<>();

    /** Registers the listener with the next Spark context started in this JVM. */
    static void install() {
        FIRST_ATTEMPTS.clear();
        System.setProperty("spark.extraListeners", TaskKiller.class.getName());
    }

    static void uninstall() {
        System.clearProperty("spark.extraListeners");
        FIRST_ATTEMPTS.clear();
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
        TaskInfo t = start.taskInfo();
        if (t.attemptNumber() == 0) FIRST_ATTEMPTS.put(t.index(), t.taskId());
    }

    /** Kills the first attempt of the task of {@code partition} (a worker), waiting for Spark to report its start. */
    static void killFirstAttempt(int partition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!FIRST_ATTEMPTS.containsKey(partition)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("Spark never reported partition " + partition + "'s task");
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!SparkContext.getOrCreate().killTaskAttempt(FIRST_ATTEMPTS.get(partition), true, "killed by a test")) {
            throw new IllegalStateException("Spark found no running task " + FIRST_ATTEMPTS.get(partition) + " to kill");
        }
    }
}
