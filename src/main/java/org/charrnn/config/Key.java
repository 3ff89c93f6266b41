package org.charrnn.config;

import java.util.List;

/**
 * One configuration key: its dotted name, type, default, allowed range, and whether a checkpoint
 * fixes it (a resume cannot change it: it is baked into the network, its optimizer state or the
 * data order). The table of keys in {@link ConfigSchema} is the single source for validation,
 * defaults, error messages and what a resume may change.
 */
public record Key(String name, Kind kind, Object defaultValue, double min, boolean minInclusive,
                  double max, boolean maxInclusive, List<String> choices, String help, boolean fixedByCheckpoint) {

    Key(String name, Kind kind, Object defaultValue, double min, boolean minInclusive, double max, boolean maxInclusive,
        List<String> choices, String help) {
        this(name, kind, defaultValue, min, minInclusive, max, maxInclusive, choices, help, false);
    }

    /** The same key, fixed by a checkpoint. */
    Key fixed() {
        return new Key(name, kind, defaultValue, min, minInclusive, max, maxInclusive, choices, help, true);
    }

    public enum Kind { INT, DOUBLE, STRING, ENUM, PATH, DURATION }

    static Key integer(String name, long def, long min, long max, String help) {
        Object boxed = max > Integer.MAX_VALUE ? (Object) def : (Object) (int) def; // int keys stay ints
        return new Key(name, Kind.INT, boxed, min, true, max, true, List.of(), help);
    }

    static Key real(String name, double def, double min, boolean minIncl, double max, boolean maxIncl, String help) {
        return new Key(name, Kind.DOUBLE, def, min, minIncl, max, maxIncl, List.of(), help);
    }

    static Key string(String name, String def, String help) {
        return new Key(name, Kind.STRING, def, 0, true, 0, true, List.of(), help);
    }

    static Key path(String name, String def, String help) {
        return new Key(name, Kind.PATH, def, 0, true, 0, true, List.of(), help);
    }

    /** A wall-clock duration such as 90s, 10m, 2h or 1h30m (a bare number is seconds); held as seconds, 0 = none. */
    static Key duration(String name, String help) {
        return new Key(name, Kind.DURATION, 0L, 0, true, 0, true, List.of(), help);
    }

    static Key choice(String name, String def, List<String> choices, String help) {
        return new Key(name, Kind.ENUM, def, 0, true, 0, true, choices, help);
    }

    /** "an integer in [1, 100000]", "a number in (0, 1)", "one of lstm, rnn" — used in error messages. */
    public String allowed() {
        return switch (kind) {
            case INT -> "an integer " + range(true);
            case DOUBLE -> "a number " + range(false);
            case ENUM -> "one of " + String.join(", ", choices);
            case STRING -> "a string";
            case PATH -> "a file path";
            case DURATION -> "a duration such as 90s, 10m, 2h or 1h30m (0 for none)";
        };
    }

    private String range(boolean integral) {
        String lo = integral ? Long.toString((long) min) : fmt(min);
        String hi = max == Double.POSITIVE_INFINITY || max >= Long.MAX_VALUE / 2
                ? "inf)" : (integral ? Long.toString((long) max) : fmt(max)) + (maxInclusive ? "]" : ")");
        return "in " + (minInclusive ? "[" : "(") + lo + ", " + hi;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
