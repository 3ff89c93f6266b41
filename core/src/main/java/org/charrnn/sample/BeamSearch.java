package org.charrnn.sample;

import java.util.Arrays;

/**
 * The likeliest continuation of a given length that a beam of K finds: at each step every beam is
 * extended by every character, and the K extensions of highest total log-probability are kept.
 * Greedy choice (K = 1) can commit to a likely character whose followers are all unlikely; a
 * beam keeps the alternatives long enough to see that. Ties go to the earlier beam, then the
 * smaller character index, so a search is deterministic.
 */
final class BeamSearch {
    /** K recurrent states over one network, stepped together. */
    interface Beams {
        /** The next-character distribution after the context every beam holds at the start. */
        float[] first();

        /** Steps beam i with character {@code chars[i]}; returns each beam's next-character distribution. */
        float[][] step(int[] chars);

        /** Beam i takes the state beam {@code parents[i]} had. */
        void reorder(int[] parents);
    }

    private BeamSearch() {}

    /**
     * The {@code length} character indices after the context all K beams hold now, whose next
     * character has distribution {@code first}.
     */
    static int[] search(Beams beams, float[] first, int width, int length) {
        int vocabulary = first.length;
        int[][] parent = new int[length][width];
        int[][] chosen = new int[length][width];
        double[] score = new double[width];
        float[][] probs = {first};
        int alive = 1; // every beam holds the same state at first: extend one of them only
        double[] candScore = new double[width];
        int[] candBeam = new int[width];
        int[] candChar = new int[width];
        for (int t = 0; t < length; t++) {
            int kept = 0;
            for (int b = 0; b < alive; b++) {
                for (int c = 0; c < vocabulary; c++) {
                    double s = score[b] + Math.log(probs[b][c]);
                    if (kept == width && !(s > candScore[kept - 1])) continue;
                    int at = kept == width ? kept - 1 : kept++;
                    while (at > 0 && s > candScore[at - 1]) { // insertion: best first, earlier beams and characters win ties
                        candScore[at] = candScore[at - 1];
                        candBeam[at] = candBeam[at - 1];
                        candChar[at] = candChar[at - 1];
                        at--;
                    }
                    candScore[at] = s;
                    candBeam[at] = b;
                    candChar[at] = c;
                }
            }
            alive = kept;
            System.arraycopy(candBeam, 0, parent[t], 0, kept);
            System.arraycopy(candChar, 0, chosen[t], 0, kept);
            System.arraycopy(candScore, 0, score, 0, kept);
            if (t + 1 < length) {
                int[] parents = Arrays.copyOf(candBeam, width);
                int[] chars = Arrays.copyOf(candChar, width);
                for (int i = kept; i < width; i++) { // fewer candidates than beams (a tiny vocabulary): pad with the best
                    parents[i] = candBeam[0];
                    chars[i] = candChar[0];
                }
                beams.reorder(parents);
                probs = beams.step(chars);
            }
        }
        int[] out = new int[length];
        for (int t = length - 1, b = 0; t >= 0; t--) { // beam 0 holds the best total
            out[t] = chosen[t][b];
            b = parent[t][b];
        }
        return out;
    }
}
