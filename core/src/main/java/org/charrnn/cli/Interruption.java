package org.charrnn.cli;

import org.charrnn.train.TrainingEvents;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ctrl-C (SIGINT) and SIGTERM during training. The first asks the trainer to stop after the update
 * in flight and save last.zip, from which --resume continues exactly; a second quits at once, which
 * loses nothing already saved (every checkpoint is written to a temporary file and renamed). Signals
 * that arrive together are one request: {@code timeout} signals the process and then its group, and
 * a terminal's Ctrl-C can reach the JVM more than once.
 */
final class Interruption implements TrainingEvents, AutoCloseable {
    static final int EXIT_CODE = 130;
    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final PrintStream err;
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    /** Signals within this long of the first are the same request, not a second one. */
    static final long BURST_NANOS = 1_000_000_000L;
    private volatile boolean requested;
    private volatile long firstAt;
    private volatile long stoppedAt = -1;
    private volatile Path savedTo;

    private Interruption(PrintStream err) {
        this.err = err;
    }

    static Interruption install(PrintStream err) {
        Interruption i = new Interruption(err);
        for (String name : SIGNALS) {
            try {
                Signal s = new Signal(name);
                i.previous.add(Signal.handle(s, i::handle));
                i.signals.add(s);
            } catch (IllegalArgumentException unavailable) {
                // not on this platform (or the JVM owns it, -Xrs): the default action stays
            }
        }
        return i;
    }

    private void handle(Signal s) {
        if (requested && System.nanoTime() - firstAt < BURST_NANOS) return; // the same request again
        if (requested) {
            err.println();
            err.println("charrnn: stopped at once; checkpoints already saved are intact");
            Runtime.getRuntime().halt(EXIT_CODE);
        }
        firstAt = System.nanoTime();
        requested = true;
        err.println();
        err.println("charrnn: stopping after this update and saving last.zip (press Ctrl-C again to quit at once)");
    }

    @Override
    public boolean stopRequested() {
        return requested;
    }

    @Override
    public void stopped(long iteration, Path checkpoint) {
        stoppedAt = iteration;
        savedTo = checkpoint;
    }

    /** The iteration the run stopped and saved at, or -1 when it was not stopped. */
    long stoppedAt() {
        return stoppedAt;
    }

    Path savedTo() {
        return savedTo;
    }

    @Override
    public void close() {
        for (int k = 0; k < signals.size(); k++) Signal.handle(signals.get(k), previous.get(k));
    }
}
