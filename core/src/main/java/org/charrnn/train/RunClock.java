package org.charrnn.train;

/**
 * A run's wall clock: its training time over all its sessions (a resumed run counts the time already
 * spent), its budget (train.max_time) and how far through it the run is; the pace a user can check
 * with a watch, the ETA, and where this session's time went.
 * <p>
 * The pace is wall-clock characters per second between updates, everything the loop does counted
 * (data, metrics, progress, validations, checkpoints), over the last {@link #WINDOW_SECONDS}: the
 * iterations and {@code elapsed_s} of metrics.jsonl give the same figure. The time inside the
 * updates alone is kept apart ({@link #updateCharsPerSecond()}) and never stands in for it.
 */
final class RunClock {
    /** The pace is measured over the last this many seconds (all of the session, when shorter). */
    static final double WINDOW_SECONDS = 30;
    private static final long MARK_NANOS = 100_000_000L;
    /**
     * Whether the budget governs is judged no sooner than this share of it (and WINDOW_SECONDS at most): a
     * fresh JVM's first updates run at a fraction of its pace while the JIT compiles them, and a verdict
     * from them would tie the schedule of a run that ends well inside its budget to the clock.
     */
    static final double JUDGED_AFTER_SHARE = 0.05;

    private final double secondsBefore;
    private final long budgetSeconds;
    private final java.util.function.LongSupplier nanoTime;
    private final long sessionStart;
    private final long firstIteration;
    private final long charsPerIteration;
    private final Window window = new Window();
    private long updateNanos;
    private long validationNanos;
    private long checkpointNanos;
    private long lastIteration;
    private double reserved;

    RunClock(double secondsBefore, long budgetSeconds, long firstIteration, long charsPerIteration) {
        this(secondsBefore, budgetSeconds, firstIteration, charsPerIteration, System::nanoTime);
    }

    /** The same on a given clock of nanoseconds (a test's). */
    RunClock(double secondsBefore, long budgetSeconds, long firstIteration, long charsPerIteration, java.util.function.LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.sessionStart = nanoTime.getAsLong();
        this.secondsBefore = secondsBefore;
        this.budgetSeconds = budgetSeconds;
        this.firstIteration = firstIteration;
        this.charsPerIteration = charsPerIteration;
        this.lastIteration = firstIteration;
        window.mark(sessionStart, firstIteration);
    }

    /** Training seconds of the whole run so far, this session included. */
    double elapsed() {
        return secondsBefore + sessionSeconds();
    }

    double secondsBefore() {
        return secondsBefore;
    }

    long budgetSeconds() {
        return budgetSeconds;
    }

    boolean budgeted() {
        return budgetSeconds > 0;
    }

    /**
     * Keeps this many seconds at the budget's end for the final validation (the longest one seen
     * so far, so that the training part of the budget only shrinks and its fraction only grows).
     */
    void reserve(double seconds) {
        reserved = Math.max(reserved, Math.min(seconds, budgetSeconds / 2.0));
    }

    double reserved() {
        return reserved;
    }

    /** The training part of the budget spent, in [0, 1]; 0 without a budget. */
    double budgetFraction() {
        return budgeted() ? Math.min(1, elapsed() / (budgetSeconds - reserved)) : 0;
    }

    /** True once training should stop, leaving the reserved time for the validation at the budget's end. */
    boolean budgetSpent() {
        return budgeted() && elapsed() >= budgetSeconds - reserved;
    }

    /**
     * Whether, at this session's warm pace, the budget ends the run before its last iteration. Judged
     * once the session has run 20 updates and JUDGED_AFTER_SHARE of the budget (WINDOW_SECONDS at most),
     * at the pace of the session's latest half: never from the cold start, so a run that ends well inside
     * its budget keeps a schedule that is a function of the iterations alone (and so the same losses
     * however fast the machine was in its first seconds), and resumes exactly.
     */
    boolean budgetWouldEndFirst(long iteration, long total) {
        long done = iteration - firstIteration;
        double session = sessionSeconds();
        if (!budgeted() || done < 20 || session < Math.min(WINDOW_SECONDS, JUDGED_AFTER_SHARE * budgetSeconds)) return false;
        double pace = window.pace(nanoTime.getAsLong(), lastIteration, charsPerIteration, session / 2);
        if (!(pace > 0)) return false;
        double projected = elapsed() + (total - iteration) * charsPerIteration / pace;
        return projected > budgetSeconds - reserved;
    }

    /** Records one update that took {@code nanos}, ending at {@code iteration}. */
    void update(long iteration, long nanos) {
        updateNanos += nanos;
        lastIteration = iteration;
        window.updated(nanos);
        long now = nanoTime.getAsLong();
        if (now - window.lastMark() >= MARK_NANOS) window.mark(now, iteration);
    }

    /** Records a validation's scoring of the val split. */
    void validated(long nanos) {
        validationNanos += nanos;
    }

    /** Records the writing of checkpoints. */
    void saved(long nanos) {
        checkpointNanos += nanos;
    }

    /** Wall-clock characters per second over the last WINDOW_SECONDS, everything the loop does included. */
    double charsPerSecond() {
        return window.pace(nanoTime.getAsLong(), lastIteration, charsPerIteration, WINDOW_SECONDS);
    }

    /** Characters per second inside the recent updates alone (forward, backward, the optimizer's step). */
    double updateCharsPerSecond() {
        return window.updatePace(charsPerIteration);
    }

    /**
     * Seconds to the run's end: the remaining iterations at the wall-clock pace (validations and
     * checkpoints included), never past the budget's end.
     */
    double secondsLeft(long iteration, long total) {
        long done = iteration - firstIteration;
        double wall = sessionSeconds();
        double pace = charsPerSecond();
        double left = done >= 20 && wall >= WINDOW_SECONDS ? (total - iteration) * wall / done
                : pace > 0 ? (total - iteration) * charsPerIteration / pace : Double.NaN;
        return budgeted() ? Math.max(0, Math.min(left, budgetSeconds - elapsed())) : left;
    }

    /** Where this session's wall clock went, so far. */
    TrainingEvents.Session session() {
        return new TrainingEvents.Session(lastIteration - firstIteration, charsPerIteration, sessionSeconds(), updateNanos / 1e9,
                validationNanos / 1e9, checkpointNanos / 1e9);
    }

    private double sessionSeconds() {
        return (nanoTime.getAsLong() - sessionStart) / 1e9;
    }

    /**
     * Marks of (time, iteration) at least MARK_NANOS apart, enough for WINDOW_SECONDS, and the
     * durations of the last updates.
     */
    private static final class Window {
        private static final int MARKS = (int) (WINDOW_SECONDS * 1e9 / MARK_NANOS) + 2;
        private static final int UPDATES = 50;
        private final long[] nanos = new long[MARKS];
        private final long[] iterations = new long[MARKS];
        private final long[] updates = new long[UPDATES];
        private int marks;
        private int updateCount;

        void mark(long now, long iteration) {
            nanos[marks % MARKS] = now;
            iterations[marks % MARKS] = iteration;
            marks++;
        }

        long lastMark() {
            return nanos[(marks - 1) % MARKS];
        }

        void updated(long ns) {
            updates[updateCount++ % UPDATES] = ns;
        }

        /** From the oldest mark within the last {@code seconds} (the oldest kept, when none is that recent) to now. */
        double pace(long now, long iteration, long charsPerIteration, double seconds) {
            int oldest = Math.max(0, marks - MARKS);
            int from = marks - 1;
            while (from > oldest && now - nanos[(from - 1) % MARKS] <= seconds * 1e9) from--;
            long ns = now - nanos[from % MARKS];
            long done = iteration - iterations[from % MARKS];
            return ns <= 0 || done <= 0 ? 0 : done * charsPerIteration * 1e9 / ns;
        }

        double updatePace(long charsPerIteration) {
            int n = Math.min(updateCount, UPDATES);
            long ns = 0;
            for (int i = 0; i < n; i++) ns += updates[i];
            return ns == 0 ? 0 : n * charsPerIteration * 1e9 / ns;
        }
    }
}
