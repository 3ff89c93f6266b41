package org.charrnn.spark;

import org.charrnn.model.TrainingStep;
import org.charrnn.model.layer.CarriedState;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The graphs an executor computes gradients with, built once from the run's configuration and
 * reused step after step (a graph holds its kernels' buffers; building one per task would cost more
 * than the task). A graph serves one task at a time: concurrent tasks of an executor each borrow
 * their own. Nothing of a run lives here between tasks but the buffers: weights and carried state
 * come with every task.
 */
final class WorkerGraphs {
    /** A worker's graph with what computes on it. */
    record Worker(ComputationGraph graph, TrainingStep step, CarriedState carried) {}

    private static final Map<String, Queue<Worker>> IDLE = new ConcurrentHashMap<>();

    private WorkerGraphs() {}

    /** An idle graph of this configuration (JSON, as DL4J writes it), built if there is none. */
    static Worker borrow(String configurationJson) {
        Worker w = IDLE.computeIfAbsent(configurationJson, k -> new ConcurrentLinkedQueue<>()).poll();
        if (w != null) return w;
        ComputationGraph graph = new ComputationGraph(ComputationGraphConfiguration.fromJson(configurationJson));
        graph.init();
        graph.initGradientsView();
        return new Worker(graph, new TrainingStep(graph), CarriedState.of(graph));
    }

    static void giveBack(String configurationJson, Worker w) {
        IDLE.get(configurationJson).add(w);
    }
}
