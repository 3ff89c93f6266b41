package org.charrnn.train;

/**
 * A run's training time over all its sessions (a resumed run counts the time already spent), its
 * budget (train.max_time) and how far through it the run is; the ETA.
 */
final class RunClock {
    private final double secondsBefore;
    private final long budgetSeconds;
    private final long sessionStart = System.nanoTime();
    private final long firstIteration;
    private final Throughput recent = new Throughput();
    private double reserved;

    RunClock(double secondsBefore, long budgetSeconds, long firstIteration) {
        this.secondsBefore = secondsBefore;
        this.budgetSeconds = budgetSeconds;
        this.firstIteration = firstIteration;
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
     * Whether, at this session's pace, the budget ends the run before its last iteration: judged
     * once the session has run 20 updates (never before, so a run the budget does not govern keeps
     * a schedule that is a function of the iterations alone, and resumes exactly).
     */
    boolean budgetWouldEndFirst(long iteration, long total) {
        long done = iteration - firstIteration;
        if (!budgeted() || done < 20) return false;
        double projected = elapsed() + (total - iteration) * sessionSeconds() / done;
        return projected > budgetSeconds - reserved;
    }

    /** Records one update of {@code chars} characters that took {@code nanos}. */
    void update(long chars, long nanos) {
        recent.add(chars, nanos);
    }

    /** Characters per second over the recent updates (the speed a progress line shows). */
    double charsPerSecond() {
        return recent.charsPerSecond();
    }

    /**
     * Seconds to the run's end: the remaining iterations at this session's average wall-clock pace
     * (validations and checkpoints included) once it has run long enough to tell, else at the recent
     * updates' pace; never past the budget's end.
     */
    double secondsLeft(long iteration, long total, long charsPerIteration) {
        long done = iteration - firstIteration;
        double wall = sessionSeconds();
        double left = done >= 20 && wall >= 30 ? (total - iteration) * wall / done
                : recent.secondsFor((total - iteration) * charsPerIteration);
        return budgeted() ? Math.max(0, Math.min(left, budgetSeconds - elapsed())) : left;
    }

    private double sessionSeconds() {
        return (System.nanoTime() - sessionStart) / 1e9;
    }

    /** Characters per second over a sliding window of recent updates. */
    private static final class Throughput {
        private final long[] chars = new long[50];
        private final long[] nanos = new long[50];
        private int count;

        void add(long c, long ns) {
            chars[count % chars.length] = c;
            nanos[count % nanos.length] = ns;
            count++;
        }

        double charsPerSecond() {
            int n = Math.min(count, chars.length);
            long c = 0;
            long ns = 0;
            for (int i = 0; i < n; i++) {
                c += chars[i];
                ns += nanos[i];
            }
            return ns == 0 ? 0 : c * 1e9 / ns;
        }

        double secondsFor(long characters) {
            double cps = charsPerSecond();
            return cps == 0 ? Double.NaN : characters / cps;
        }
    }
}
