package org.charrnn.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whether the budget governs a run's schedule is judged from its warm pace: a fresh JVM's slow first
 * updates do not tie the schedule of a run that ends well inside its budget to the clock, while a run
 * that is truly too slow for its iterations is found out.
 */
class RunClockTest {
    private static final long CHARS = 1250;

    /** A clock that moves only when told. */
    private static final class FakeTime {
        long nanos = 1_000_000_000L;

        void advance(double seconds) {
            nanos += Math.round(seconds * 1e9);
        }
    }

    /**
     * The quickstart's shape: 5,082 updates at 0.07 s each end in about 6 minutes of a 9m40s budget, but
     * the first 100 (the JIT at work; a hand-set quickstart's took 11 s) take 0.15 s each: at the
     * twentieth, the session's pace so far projects 13 minutes.
     */
    @Test
    void aColdStartDoesNotTieARunThatEndsInsideItsBudgetToTheClock() {
        FakeTime t = new FakeTime();
        RunClock clock = new RunClock(0, 580, 0, CHARS, () -> t.nanos);
        long total = 5082;
        for (long it = 1; it <= total; it++) {
            double seconds = it <= 100 ? 0.15 : 0.07;
            t.advance(seconds);
            clock.update(it, Math.round(seconds * 1e9));
            assertFalse(clock.budgetWouldEndFirst(it, total), "judged the budget to govern at iteration " + it);
        }
        assertTrue(clock.elapsed() < 0.7 * 580, "the run ended well inside its budget: " + clock.elapsed() + " s");
    }

    /** The same start, then a pace too slow for the iterations: the budget governs, found out soon after the cold start. */
    @Test
    void aRunTooSlowForItsIterationsIsFoundOut() {
        FakeTime t = new FakeTime();
        RunClock clock = new RunClock(0, 580, 0, CHARS, () -> t.nanos);
        long total = 5082;
        long judged = -1;
        for (long it = 1; it <= total && judged < 0; it++) {
            double seconds = it <= 100 ? 0.15 : 0.14;
            t.advance(seconds);
            clock.update(it, Math.round(seconds * 1e9));
            if (clock.budgetWouldEndFirst(it, total)) judged = it;
        }
        assertTrue(judged > 0, "never found that 5,082 updates of 0.14 s overrun 580 s");
        assertTrue(clock.elapsed() <= RunClock.JUDGED_AFTER_SHARE * 580 + 1, "found late: at " + clock.elapsed() + " s");
    }
}
