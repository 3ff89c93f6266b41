package org.charrnn.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.charrnn.config.RunConfig;
import org.charrnn.train.TrainingException;


/**
 * The Spark context of a run: the master distributed.master names, else the one spark-submit
 * passed, else an in-process {@code local[workers]}; and Spark's failures as one line that says
 * what to check.
 */
final class SparkContexts {
    /** Spark's default spark.task.maxFailures on a cluster. */
    static final int TASK_ATTEMPTS = 4;
    /** The jars a cluster's executors need (set by ./charrnn): a comma-separated list. */
    static final String EXECUTOR_JARS = "charrnn.executor.jars";

    private SparkContexts() {}

    static JavaSparkContext start(RunConfig config) {
        SparkConf conf = new SparkConf(); // spark-submit's settings arrive as spark.* system properties
        conf.setAppName(conf.get("spark.app.name", "charrnn " + config.name()));
        String master = config.distributed().master();
        if (!master.isEmpty()) conf.setMaster(master);
        // In-process Spark tries a task once unless its URL says otherwise; a cluster tries it 4 times (spark.task.maxFailures).
        else if (!conf.contains("spark.master")) conf.setMaster("local[" + config.distributed().workers() + "," + TASK_ATTEMPTS + "]");
        if (!config.distributed().executorMemory().isEmpty()) conf.set("spark.executor.memory", config.distributed().executorMemory());
        if (config.distributed().executorCores() > 0) conf.set("spark.executor.cores", String.valueOf(config.distributed().executorCores()));
        // A step moves the weights out and a gradient back: float noise that compression cannot shrink, and
        // a result Spark would otherwise park in its block manager and fetch again (above 1 MiB).
        conf.setIfMissing("spark.broadcast.compress", "false");
        conf.setIfMissing("spark.task.maxDirectResultSize", "1g"); // Spark caps it at spark.rpc.message.maxSize
        String chosen = conf.get("spark.master");
        if (chosen.startsWith("local")) {
            // In-process: no web UI to serve and no address to look up (a laptop's host name may not resolve).
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        if (chosen.startsWith("spark://")) MasterProbe.requireMaster(chosen, conf);
        // A cluster's executors have Spark but not us: ./charrnn names our jars (core's runtime and this
        // module, no Spark) for them; spark-submit's --jars, when given, say it instead.
        String ours = System.getProperty(EXECUTOR_JARS, "");
        if (!chosen.startsWith("local") && !ours.isEmpty() && !conf.contains("spark.jars")) conf.set("spark.jars", ours);
        try {
            return new JavaSparkContext(conf);
        } catch (Exception e) { // Spark throws its checked SparkException undeclared
            throw failure("distributed.master: Spark could not start on '" + chosen + "'", e);
        }
    }

    /** A Spark failure as one line: what was being done and the innermost reason Spark gave. */
    static TrainingException failure(String doing, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String reason = firstLine(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
        return new TrainingException(doing + " failed: " + reason);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
