package org.charrnn.api;

/**
 * What to generate. Build one with {@link #builder()}; every field has char-rnn's default.
 *
 * @param prime       text the model reads before generating (not repeated in the output); "" for none
 * @param length      characters to generate after the prime, 0 or more
 * @param temperature divides the logits: below 1 more conservative, above 1 more adventurous; &gt; 0
 * @param topK        draw only among the k likeliest characters; 0 for all
 * @param seed        the same seed, model and request give the same text; null draws a fresh one
 * @param argmax      always take the likeliest character (no randomness)
 * @param skipUnknown drop prime characters the model does not know instead of refusing the request
 * @param beam        0 to draw characters; K in [1, {@value #MAX_BEAM}] for the likeliest continuation a
 *                    beam search of width K finds (deterministic; 1 is greedy, like argmax)
 */
public record SampleRequest(String prime, int length, double temperature, int topK, Long seed, boolean argmax,
                            boolean skipUnknown, int beam) {
    public static final int DEFAULT_LENGTH = 2000;
    /** Each beam costs a sample's work: a width past this buys nothing a char model can use. */
    public static final int MAX_BEAM = 64;

    public SampleRequest {
        if (prime == null) prime = "";
        if (length < 0) throw new InvalidRequestException("length", length + " is not allowed; expected an integer >= 0");
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new InvalidRequestException("temperature", temperature + " is not allowed; expected a number > 0");
        }
        if (topK < 0) throw new InvalidRequestException("top_k", topK + " is not allowed; expected 0 (all) or a count >= 1");
        if (beam < 0 || beam > MAX_BEAM) {
            throw new InvalidRequestException("beam", beam + " is not allowed; expected 0 (draw) or a width in [1, " + MAX_BEAM + "]");
        }
        if (beam > 0 && (argmax || topK > 0 || temperature != 1.0)) {
            throw new InvalidRequestException("beam", "goes without temperature, top_k and argmax: a beam search takes the"
                    + " likeliest continuation it finds, it does not draw");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fields as they are named in JSON and on the command line; defaults as char-rnn's sample.lua. */
    public static final class Builder {
        private String prime = "";
        private int length = DEFAULT_LENGTH;
        private double temperature = 1.0;
        private int topK;
        private Long seed;
        private boolean argmax;
        private boolean skipUnknown;
        private int beam;

        private Builder() {}

        public Builder prime(String prime) {
            this.prime = prime;
            return this;
        }

        public Builder length(int length) {
            this.length = length;
            return this;
        }

        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder argmax(boolean argmax) {
            this.argmax = argmax;
            return this;
        }

        public Builder skipUnknown(boolean skipUnknown) {
            this.skipUnknown = skipUnknown;
            return this;
        }

        public Builder beam(int beam) {
            this.beam = beam;
            return this;
        }

        public SampleRequest build() {
            return new SampleRequest(prime, length, temperature, topK, seed, argmax, skipUnknown, beam);
        }
    }
}
