package org.charrnn.config;

import java.util.List;

/**
 * One configuration key as {@link ConfigSchema} reads it from a {@link Setting}: its dotted name,
 * type, default, allowed range, and what a checkpoint fixes about it.
 */
public record Key(String name, Kind kind, Object defaultValue, double min, boolean minInclusive,
                  double max, boolean maxInclusive, List<String> choices, String help, Fixed fixed) {

    public enum Kind { INT, LONG, DOUBLE, BOOL, STRING, ENUM, PATH, PATHS, DURATION }

    /** What a checkpoint fixes: a resume refuses to change any of these, each with its own reason. */
    public enum Fixed {
        /** Nothing: a resume may change it. */
        NO,
        /** The shape of the weights: a checkpoint of another shape cannot be loaded at all. */
        ARCHITECTURE,
        /** Which characters each minibatch holds: changing it breaks an exact resume. */
        DATA_ORDER,
        /** Baked into the network or its optimizer state (optimizer, dropout, clipping, initialisation). */
        TRAINING
    }

    public boolean fixedByCheckpoint() {
        return fixed != Fixed.NO;
    }

    public String section() {
        int dot = name.indexOf('.');
        return dot < 0 ? "" : name.substring(0, dot);
    }

    /** "an integer in [1, 100000]", "a number in (0, 1)", "one of lstm, rnn" — used in error messages. */
    public String allowed() {
        return switch (kind) {
            case INT, LONG -> "an integer " + range(true);
            case DOUBLE -> "a number " + range(false);
            case BOOL -> "true or false";
            case ENUM -> "one of " + String.join(", ", choices);
            case STRING -> "a string";
            case PATH -> "a file path";
            case PATHS -> "a file or directory path, or a YAML list of them";
            case DURATION -> "a duration such as 90s, 10m, 2h or 1h30m (0 for none)";
        };
    }

    /** The default as a user would write it ("none" for an empty string or no budget). */
    public String shownDefault() {
        if (kind == Kind.DURATION) return (Long) defaultValue == 0 ? "none" : Durations.format((Long) defaultValue);
        if (defaultValue instanceof Double d) return fmt(d);
        if (defaultValue instanceof java.util.List<?> l) return l.isEmpty() ? "none" : String.join(", ", l.stream().map(String::valueOf).toList());
        String s = String.valueOf(defaultValue);
        return s.isEmpty() ? "none" : s;
    }

    private String range(boolean integral) {
        String lo = min == Double.NEGATIVE_INFINITY ? "(-inf" : (minInclusive ? "[" : "(") + (integral ? Long.toString((long) min) : fmt(min));
        String hi = max == Double.POSITIVE_INFINITY || max >= Long.MAX_VALUE / 2
                ? "inf)" : (integral ? Long.toString((long) max) : fmt(max)) + (maxInclusive ? "]" : ")");
        return "in " + lo + ", " + hi;
    }

    static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
