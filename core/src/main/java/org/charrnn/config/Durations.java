package org.charrnn.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Wall-clock durations as people write them: 90s, 10m, 2h, 1h30m, 1.5h; a bare number is seconds. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(h|m|s)");
    private static final long MAX_SECONDS = 10L * 365 * 24 * 3600;

    private Durations() {}

    /**
     * Seconds, not rounded (0.5s is 0.5), or -1 when {@code text} is not a duration (each unit at
     * most once, in any order: 1h30m, 90m, 1.5h).
     */
    public static double exactSeconds(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.matches("\\d+(\\.\\d+)?")) return Double.parseDouble(t);
        Matcher m = PART.matcher(t);
        double total = 0;
        int end = 0;
        String seen = "";
        while (m.find()) {
            if (m.start() != end && !t.substring(end, m.start()).isBlank()) return -1;
            if (seen.contains(m.group(2))) return -1;
            seen += m.group(2);
            double v = Double.parseDouble(m.group(1));
            total += switch (m.group(2)) {
                case "h" -> v * 3600;
                case "m" -> v * 60;
                default -> v;
            };
            end = m.end();
        }
        return end == 0 || end != t.length() ? -1 : total;
    }

    /** Seconds, rounded, or -1 when {@code text} is not a duration (or longer than ten years); "" is 0. */
    public static long seconds(String text) {
        String t = text.trim();
        if (t.isEmpty()) return 0;
        if (t.matches("\\d+")) return t.length() > 12 ? -1 : Long.parseLong(t);
        double total = exactSeconds(t);
        return total < 0 || total > MAX_SECONDS ? -1 : Math.round(total);
    }

    /** 600 → "10m", 5400 → "1h30m", 45 → "45s". */
    public static String format(long seconds) {
        if (seconds <= 0) return "0";
        StringBuilder sb = new StringBuilder();
        if (seconds >= 3600) sb.append(seconds / 3600).append('h');
        if (seconds % 3600 >= 60) sb.append(seconds % 3600 / 60).append('m');
        if (seconds % 60 > 0) sb.append(seconds % 60).append('s');
        return sb.toString();
    }
}
