package org.charrnn.config;

import java.util.Collection;

/** "did you mean" for misspelt keys and values: the closest candidate within a small edit distance. */
public final class Suggestions {
    private Suggestions() {}

    /** Returns " (did you mean X?)" or "" when nothing is close enough. */
    public static String didYouMean(String given, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = Math.min(distance(given, c), distance(lastPart(given), lastPart(c)));
            if (lastPart(given).length() >= 4 && lastPart(c).contains(lastPart(given))) d = Math.min(d, 1); // layers → num_layers
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        int allowed = Math.max(1, Math.min(3, lastPart(given).length() / 3));
        return best != null && bestDistance <= allowed ? " (did you mean " + best + "?)" : "";
    }

    private static String lastPart(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    /** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
