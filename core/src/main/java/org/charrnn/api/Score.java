package org.charrnn.api;

/**
 * How well a model predicts a text: mean cross-entropy of each character given those before it.
 *
 * @param natsPerChar mean −ln p(character)
 * @param characters  characters whose prediction was scored (the first has no context and is not)
 */
public record Score(double natsPerChar, long characters) {
    private static final double LN2 = Math.log(2);

    /** The same loss in bits, as papers on character models quote it. */
    public double bitsPerChar() {
        return natsPerChar / LN2;
    }
}
