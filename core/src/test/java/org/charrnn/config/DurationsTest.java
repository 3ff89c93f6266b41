package org.charrnn.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Durations as people write them, read one way for the budget and for its checks. */
class DurationsTest {
    @Test
    void unitsInAnyOrderEachOnce() {
        assertEquals(5400, Durations.seconds("1h30m"));
        assertEquals(5400, Durations.seconds("90m"));
        assertEquals(5400, Durations.seconds("1.5h"));
        assertEquals(580, Durations.seconds("9m40s"));
        assertEquals(45, Durations.seconds("45"));
        assertEquals(0, Durations.seconds(""));
        assertEquals(-1, Durations.seconds("1h1h"));
        assertEquals(-1, Durations.seconds("10 minutes"));
        assertEquals(-1, Durations.seconds("11y"));
        assertEquals(-1, Durations.seconds("99999h"), "past ten years");
    }

    @Test
    void exactSecondsKeepWhatRoundingWouldHide() {
        assertEquals(0.5, Durations.exactSeconds("0.5s"));
        assertEquals(1, Durations.seconds("0.5s"), "rounded for the budget; the loader refuses it first");
        assertEquals(90.0, Durations.exactSeconds("1m30s"));
        assertEquals(-1, Durations.exactSeconds("soon"));
    }

    @Test
    void formatReadsBack() {
        for (long s : new long[]{45, 600, 5400, 3661}) assertEquals(s, Durations.seconds(Durations.format(s)));
    }
}
