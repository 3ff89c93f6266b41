package org.charrnn.spark;

import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.charrnn.model.kernel.FloatArrays;
import org.charrnn.train.StepFailure;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The driver's end of the workers' loops ({@link WorkerLoop}): one Spark job runs a task per worker
 * for the whole run, each task connects back here, and every step the driver writes each worker its
 * order (the weights and its streams) and reads back its gradient. A worker whose connection ends
 * (its executor lost, its task failed) is waited for while Spark starts its task again, and is sent
 * the step again; a worker that does not come back within distributed.executor_wait fails the step,
 * before anything of it was applied.
 */
final class WorkerLinks implements AutoCloseable {
    private static final long HELLO_SECONDS = 10;

    private final int workers;
    private final long waitNanos;
    private final long token = new SecureRandom().nextLong();
    private final ServerSocketChannel server;
    /** Closes a link whose worker says nothing for longer than the wait (a blocking channel has no read timeout). */
    private final ScheduledExecutorService watchdog;
    private final Link[] links;
    private final Thread acceptor;
    private final JavaFutureAction<Void> job;
    private final String master;
    private volatile boolean closing;
    /** Where worker w's gradient lands before it is added to the first's, which lands in the graph's own. */
    private INDArray[] scratch;
    /** A thread per worker for its part of each step's exchange. */
    private final ExecutorService exchanges;

    private record Link(Frames frames) {
        void close() {
            try {
                frames.channel().close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    WorkerLinks(JavaSparkContext spark, Broadcast<String> configurationJson, boolean dropout, int workers, long waitSeconds,
                int port) {
        this.workers = workers;
        this.waitNanos = TimeUnit.SECONDS.toNanos(waitSeconds);
        this.links = new Link[workers];
        this.master = spark.master();
        String host = spark.getConf().get("spark.driver.host", "127.0.0.1");
        String bind = spark.getConf().get("spark.driver.bindAddress", host);
        int listening;
        try {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getByName(bind), port));
            listening = ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new org.charrnn.train.TrainingException("distributed.driver_port: cannot listen for the workers on " + bind + ":"
                    + port + " (" + e.getMessage() + "); give another port, or 0 for any free one", e);
        }
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "charrnn-worker-watchdog");
            t.setDaemon(true);
            return t;
        });
        exchanges = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "charrnn-worker-exchange");
            t.setDaemon(true);
            return t;
        });
        acceptor = new Thread(this::accept, "charrnn-worker-links");
        acceptor.setDaemon(true);
        acceptor.start();
        List<Integer> ids = new ArrayList<>();
        for (int w = 0; w < workers; w++) ids.add(w);
        spark.setJobDescription("charrnn: " + workers + " workers' gradient loops");
        job = spark.parallelize(ids, workers)
                .foreachPartitionAsync(new WorkerLoop(host, listening, token, configurationJson, dropout));
    }

    /**
     * Sends every worker the weights (a view of the driver's parameters) and its streams, and sums their
     * gradients into {@code gradient} in worker order; returns what else they sent back.
     */
    ShardResult step(INDArray params, List<ShardInput> inputs, INDArray gradient) {
        ByteBuffer weights = FloatArrays.bytes(params);
        if (scratch == null) {
            scratch = new INDArray[workers];
            for (int w = 1; w < workers; w++) scratch[w] = Nd4j.createUninitialized(DataType.FLOAT, gradient.length());
        }
        // Each worker's exchange on its own thread: none waits for another's transfer to start computing.
        List<Future<ShardResult.Header>> answers = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            ByteBuffer into = FloatArrays.bytes(w == 0 ? gradient : scratch[w]);
            answers.add(exchanges.submit(() -> {
                send(worker, inputs.get(worker), weights);
                return receive(worker, inputs.get(worker), weights, into);
            }));
        }
        ShardResult sum = new ShardResult();
        RuntimeException failed = null;
        for (int w = 0; w < workers; w++) {
            try {
                sum.add(answers.get(w).get());
            } catch (ExecutionException e) {
                if (failed == null) failed = e.getCause() instanceof RuntimeException r ? r : new StepFailure(e.getCause().toString(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StepFailure("distributed: interrupted while waiting for the workers", e);
            }
        }
        if (failed != null) throw failed;
        for (int w = 1; w < workers; w++) gradient.addi(scratch[w]); // in worker order, as one machine's rows
        return sum;
    }

    private void send(int w, ShardInput input, ByteBuffer weights) {
        while (true) {
            Link link = await(w);
            try {
                link.frames().write(input, weights);
                return;
            } catch (IOException e) {
                lost(w, link);
            }
        }
    }

    /** Worker w's answer, its gradient read into {@code into}; a worker lost on the way is sent the step again. */
    private ShardResult.Header receive(int w, ShardInput input, ByteBuffer weights, ByteBuffer into) {
        while (true) {
            Link link = await(w);
            ScheduledFuture<?> silence = watchdog.schedule(link::close, waitNanos + TimeUnit.SECONDS.toNanos(HELLO_SECONDS),
                    TimeUnit.NANOSECONDS);
            try {
                Frames.Header m = link.frames().readHeader();
                link.frames().readBody(m, into);
                return (ShardResult.Header) m.value();
            } catch (IOException | ClassNotFoundException | ClassCastException e) {
                // The worker is gone mid-step: its task is started again elsewhere and is sent the step again.
                lost(w, link);
                send(w, input, weights);
            } finally {
                silence.cancel(false);
            }
        }
    }

    private synchronized void lost(int w, Link link) {
        link.close();
        if (links[w] == link) links[w] = null;
    }

    /** Worker w's link, waiting while Spark (re)starts its task; a step failure when it does not come within the wait. */
    private synchronized Link await(int w) {
        long deadline = System.nanoTime() + waitNanos;
        while (links[w] == null) {
            if (job.isDone()) throw jobEnded();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new StepFailure("distributed.master: worker " + w + "'s task is not running on " + master + " and Spark has"
                        + " not started it again within " + TimeUnit.NANOSECONDS.toSeconds(waitNanos) + " s"
                        + " (distributed.executor_wait): check that the cluster's workers are running and have a free core for each"
                        + " of distributed.workers, and the memory distributed.executor_memory asks for", null);
            }
            try {
                wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 500));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StepFailure("distributed: interrupted while waiting for worker " + w, e);
            }
        }
        return links[w];
    }

    /** The job of the workers' loops ended before the run did: Spark gave up on a task (its reason), or was stopped. */
    private StepFailure jobEnded() {
        try {
            job.get();
            return new StepFailure("distributed.master: the workers' tasks on " + master + " ended before the run", null);
        } catch (ExecutionException e) {
            return new StepFailure(SparkContexts.failure("a training step on Spark (" + master + ")", e).getMessage(), e);
        } catch (Exception e) { // cancelled, or interrupted
            return new StepFailure("distributed.master: the workers' tasks on " + master + " were stopped", e);
        }
    }

    private void accept() {
        while (!closing) {
            SocketChannel s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            ScheduledFuture<?> silence = watchdog.schedule(() -> close(s), HELLO_SECONDS, TimeUnit.SECONDS);
            try {
                s.socket().setTcpNoDelay(true);
                Frames frames = new Frames(s);
                Object hello = frames.readHeader().value();
                silence.cancel(false);
                if (!(hello instanceof WorkerLoop.Hello h) || h.token() != token || h.worker() < 0 || h.worker() >= workers) {
                    close(s); // not one of this run's tasks
                    continue;
                }
                synchronized (this) {
                    if (links[h.worker()] != null) links[h.worker()].close(); // an older attempt's link: the new task replaces it
                    links[h.worker()] = new Link(frames);
                    notifyAll();
                }
            } catch (IOException | ClassNotFoundException e) {
                close(s);
            }
        }
    }

    private static void close(SocketChannel s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        closing = true;
        synchronized (this) {
            for (int w = 0; w < workers; w++) {
                if (links[w] == null) continue;
                try {
                    links[w].frames().write(new WorkerLoop.End());
                } catch (IOException ignored) {
                    // gone already: its task ends on its own
                }
            }
        }
        try {
            job.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            job.cancel(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ignored) {
            // cancelled already
        }
        synchronized (this) {
            for (Link l : links) if (l != null) l.close();
        }
        watchdog.shutdownNow();
        exchanges.shutdownNow();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
