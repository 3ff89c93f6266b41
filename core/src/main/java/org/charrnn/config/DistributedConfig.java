package org.charrnn.config;

/**
 * Data-parallel training on Apache Spark (the spark module): the minibatch's streams split among
 * workers, their gradients summed into one update, so the run is the same training as on one
 * machine. Not fixed by a checkpoint: a run may resume on one machine or on many.
 */
public record DistributedConfig(
        @Setting(value = "0", min = 0, max = 4096,
                help = "Spark workers sharing each minibatch's streams (at most train.batch_size); 0 = this machine alone")
        int workers,
        @Setting(help = "Spark master URL, e.g. spark://host:7077 or yarn; empty = spark-submit's, else in-process local[workers]")
        String master,
        @Setting(help = "memory of each executor on a cluster (spark.executor.memory: 2g, 4096m); empty = spark-submit's or Spark's")
        String executorMemory,
        @Setting(value = "0", min = 0, max = 4096,
                help = "cores of each executor on a cluster (spark.executor.cores); 0 = spark-submit's or Spark's")
        int executorCores,
        @Setting(key = "executor_wait", value = "120s", duration = true,
                help = "how long a worker's task may be gone (none joined, or it was lost and Spark has not started it again)"
                        + " before the step fails and the run saves last.zip")
        long executorWaitSeconds,
        @Setting(value = "0", min = 0, max = 65535,
                help = "the driver's port the workers' tasks connect back to each run (open it in a firewall between them);"
                        + " 0 = any free port")
        int driverPort) {
}
