package org.charrnn.spark;

import org.charrnn.model.kernel.ShapeInfoCache;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.broadcast.Broadcast;
import org.charrnn.model.kernel.FloatArrays;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * One worker for the whole run, as one long Spark task: it connects back to the driver
 * ({@link WorkerLinks}) and, step after step, takes the weights and its streams' part of the
 * minibatch, computes their gradient and sends it back, until the driver says the run is over. One
 * Spark job for the run instead of one (and a broadcast) per step. The worker keeps nothing between
 * steps but its graph's buffers: a task Spark retries elsewhere reconnects, is sent the step again
 * and computes the same gradient.
 */
final class WorkerLoop implements VoidFunction<Iterator<Integer>> {
    /** A task's first message: which run it belongs to, which worker it is, which attempt. */
    record Hello(long token, int worker, int attempt) implements Serializable {}

    /** The driver's last message: the run is over. */
    record End() implements Serializable {}

    private final String driverHost;
    private final int driverPort;
    private final long token;
    private final Broadcast<String> configurationJson;
    private final boolean dropout;

    WorkerLoop(String driverHost, int driverPort, long token, Broadcast<String> configurationJson, boolean dropout) {
        this.driverHost = driverHost;
        this.driverPort = driverPort;
        this.token = token;
        this.configurationJson = configurationJson;
        this.dropout = dropout;
    }

    @Override
    public void call(Iterator<Integer> workers) throws IOException, ClassNotFoundException {
        ShapeInfoCache.install(); // a cluster's executor: before its first graph starts ND4J
        int worker = workers.next(); // one partition per worker
        TaskContext task = TaskContext.get();
        int attempt = task == null ? 0 : task.attemptNumber();
        String json = configurationJson.value();
        try (SocketChannel channel = SocketChannel.open()) {
            // Connected before the graph is built: the driver counts its wait for a task until it says hello.
            channel.socket().setTcpNoDelay(true);
            channel.socket().connect(new InetSocketAddress(driverHost, driverPort), 30_000);
            Frames frames = new Frames(channel);
            frames.write(new Hello(token, worker, attempt));
            WorkerGraphs.Worker w = WorkerGraphs.borrow(json);
            ByteBuffer weights = FloatArrays.bytes(w.graph().params());
            ByteBuffer gradient = FloatArrays.bytes(w.graph().getFlattenedGradients());
            try {
                while (true) {
                    Frames.Header m = frames.readHeader();
                    if (!(m.value() instanceof ShardInput in)) return; // End: the run is over
                    frames.readBody(m, weights); // straight into the graph's parameters
                    frames.write(gradient(w, in), gradient);
                }
            } finally {
                w.graph().clearLayersStates();
                WorkerGraphs.giveBack(json, w);
            }
        }
    }

    /** The gradient of this worker's streams from their carried state, left in its graph; the loss and the state it ends in. */
    private ShardResult.Header gradient(WorkerGraphs.Worker w, ShardInput in) {
        long t0 = System.nanoTime();
        w.carried().restore(in.carried());
        if (dropout) Nd4j.getRandom().setSeed(in.seed());
        w.step().gradient(in.dataSet());
        w.carried().advance();
        double lossSum = w.graph().score() * in.share().rows();
        return new ShardResult.Header(in.share().worker(), lossSum, w.carried().snapshot(), System.nanoTime() - t0);
    }
}
