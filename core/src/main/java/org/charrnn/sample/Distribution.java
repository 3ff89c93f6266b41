package org.charrnn.sample;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Turns the model's softmax output into one drawn index: temperature, top-k, argmax. */
final class Distribution {
    private Distribution() {}

    static int draw(float[] probabilities, SamplingOptions o, SplittableRandom random) {
        int n = probabilities.length;
        if (o.argmax()) return argmax(probabilities);
        // p^(1/T), renormalised, is softmax(logits / T): work in logs for stability.
        double[] w = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            w[i] = Math.log(Math.max(probabilities[i], 1e-30f)) / o.temperature();
            max = Math.max(max, w[i]);
        }
        double threshold = Double.NEGATIVE_INFINITY;
        if (o.topK() > 0 && o.topK() < n) {
            double[] sorted = w.clone();
            Arrays.sort(sorted);
            threshold = sorted[n - o.topK()];
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            w[i] = w[i] >= threshold ? Math.exp(w[i] - max) : 0;
            sum += w[i];
        }
        double u = random.nextDouble() * sum;
        for (int i = 0; i < n; i++) {
            u -= w[i];
            if (u < 0) return i;
        }
        for (int i = n - 1; i >= 0; i--) if (w[i] > 0) return i; // rounding left u at ~0
        return argmax(probabilities);
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        return best;
    }
}
