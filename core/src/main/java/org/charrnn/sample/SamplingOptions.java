package org.charrnn.sample;

/**
 * @param length      characters to generate after the prime
 * @param temperature divides the logits: below 1 more conservative, above 1 more adventurous
 * @param topK        sample only among the k most likely characters (0 = all)
 * @param argmax      always take the most likely character (deterministic)
 * @param seed        the same seed, checkpoint and options give the same text
 * @param beam        0 to draw; K &gt;= 1 for the likeliest continuation a beam of K finds (1 is greedy)
 */
public record SamplingOptions(int length, double temperature, int topK, boolean argmax, long seed, int beam) {
    public SamplingOptions(int length, double temperature, int topK, boolean argmax, long seed) {
        this(length, temperature, topK, argmax, seed, 0);
    }

    public SamplingOptions {
        if (beam < 0) throw new IllegalArgumentException("beam must be >= 0");
        if (length < 0) throw new IllegalArgumentException("length must be >= 0");
        if (!(temperature > 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be > 0");
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0");
    }
}
