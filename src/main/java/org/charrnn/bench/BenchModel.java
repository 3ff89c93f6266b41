package org.charrnn.bench;

/** A benchmarked shape: layers × units, minibatch streams × steps, one-hot vocabulary of 65 (tiny-shakespeare's). */
public record BenchModel(String name, int layers, int units, int batch, int seqLength) {
    public static final int VOCAB = 65;

    public static BenchModel parse(String spec) {
        // "2x128" or "2x128:b100:s100"
        String[] parts = spec.split(":");
        String[] lu = parts[0].split("x");
        int batch = 50;
        int seq = 50;
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].startsWith("b")) batch = Integer.parseInt(parts[i].substring(1));
            else if (parts[i].startsWith("s")) seq = Integer.parseInt(parts[i].substring(1));
            else throw new IllegalArgumentException(parts[i]);
        }
        return new BenchModel(spec, Integer.parseInt(lu[0]), Integer.parseInt(lu[1]), batch, seq);
    }

    /** Training FLOPs per character: 3× the forward (one-hot input counted as dense, as the notes do). */
    public double flopsPerChar() {
        double forward = 0;
        int in = VOCAB;
        for (int l = 0; l < layers; l++) {
            forward += 2.0 * (in + units) * 4 * units;
            in = units;
        }
        forward += 2.0 * units * VOCAB;
        return 3 * forward;
    }
}
