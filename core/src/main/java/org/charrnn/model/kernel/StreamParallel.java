package org.charrnn.model.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs a layer's recurrence over groups of streams at once, one group per core. The B streams of a
 * minibatch are independent within a segment, so each group steps through all T steps on its own
 * thread — its per-step products single-threaded, its gate arithmetic on its own elements — and the
 * threads meet once at the end of the segment, not at every step as a multi-threaded product of B
 * rows does. What needs all streams (the input projection, the weight gradients) stays one large
 * product over the whole segment, on every core.
 * <p>
 * Only with an engine that may run products on several threads at once ({@link GemmEngine#concurrent()}),
 * and as many groups as the calling thread's OpenMP setting allows (OMP_NUM_THREADS, the cores by
 * default), each of at least {@link #MIN_STREAMS} streams.
 */
public final class StreamParallel {
    /** Fewer streams than this per group leave each group's products too small to run at speed. */
    static final int MIN_STREAMS = 8;

    private static ExecutorService workers;
    private static int workerCount;

    private StreamParallel() {}

    /** How many groups to split {@code streams} into on this thread. */
    public static int parts(int streams) {
        if (!GemmEngine.current().concurrent()) return 1;
        int threads = GemmEngine.threadsOfThisThread();
        return Math.max(1, Math.min(threads, streams / MIN_STREAMS));
    }

    /** First stream of group {@code part} of {@code parts} over {@code streams} (group p owns [first(p), first(p + 1))). */
    public static int first(int part, int parts, int streams) {
        return (int) ((long) streams * part / parts);
    }

    /**
     * Runs {@code body.accept(p)} for p = 0..parts−1 at once: group 0 on this thread, the others on
     * worker threads, each with single-threaded products; returns when all are done.
     */
    public static void run(int parts, IntConsumer body) {
        if (parts <= 1) {
            body.accept(0);
            return;
        }
        ExecutorService pool = workers(parts - 1);
        List<Future<?>> others = new ArrayList<>(parts - 1);
        for (int p = 1; p < parts; p++) {
            int part = p;
            others.add(pool.submit(() -> body.accept(part)));
        }
        int threads = GemmEngine.threadsOfThisThread();
        GemmEngine.setThreadsOfThisThread(1);
        try {
            body.accept(0);
        } finally {
            GemmEngine.setThreadsOfThisThread(threads);
            await(others);
        }
    }

    private static void await(List<Future<?>> others) {
        boolean interrupted = false;
        RuntimeException failure = null;
        for (Future<?> f : others) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the group still writes into shared buffers: wait for it regardless
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof Error err) throw err;
                    if (failure == null) failure = c instanceof RuntimeException r ? r : new IllegalStateException(c);
                    break;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure != null) throw failure;
    }

    private static synchronized ExecutorService workers(int needed) {
        if (workers == null || workerCount < needed) {
            if (workers != null) workers.shutdown();
            workerCount = Math.max(needed, Runtime.getRuntime().availableProcessors() - 1);
            workers = Executors.newFixedThreadPool(workerCount, r -> {
                Thread t = new Thread(() -> {
                    GemmEngine.setThreadsOfThisThread(1); // each group's products on its own core
                    r.run();
                }, "charrnn-streams");
                t.setDaemon(true);
                return t;
            });
        }
        return workers;
    }
}
