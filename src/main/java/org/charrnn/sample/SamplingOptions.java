package org.charrnn.sample;

/**
 * @param length      characters to generate after the prime
 * @param temperature divides the logits: below 1 more conservative, above 1 more adventurous
 * @param topK        sample only among the k most likely characters (0 = all)
 * @param argmax      always take the most likely character (deterministic)
 * @param seed        the same seed, checkpoint and options give the same text
 */
public record SamplingOptions(int length, double temperature, int topK, boolean argmax, long seed) {
    public SamplingOptions {
        if (length < 0) throw new IllegalArgumentException("length must be >= 0");
        if (!(temperature > 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be > 0");
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0");
    }
}
