package org.charrnn.model.kernel;

/**
 * One trained recurrent layer, one step at a time, for batch-1 inference in plain Java (sampling,
 * visualize): weights copied out once, every buffer allocated once, no ND4J call per step. It must
 * compute what the layer's training forward computes (tests compare the two).
 */
public interface SamplingStep {
    int inputs();

    int units();

    /** Multiply-adds of one step: the stepper splits a big layer's step between two threads. */
    long workPerStep();

    /**
     * Computes units [j0, j1) of the next hidden state from the input (character {@code oneHot}
     * when {@code x} is null, else the vector x). Two disjoint unit ranges may run at once.
     */
    void step(int oneHot, float[] x, int j0, int j1);

    /**
     * Completes the step once every unit range has run: what needs the whole layer at once (a layer
     * norm's statistics over all its units). Nothing for most cells.
     */
    default void finish() {
    }

    /** Makes the state the last {@link #step} computed the current one. */
    void advance();

    /** The current hidden state h (live buffer: copy what you keep). */
    float[] hidden();

    /** What a neuron picture colours, in [-1, 1]: tanh(c) for an LSTM, h for the others (fresh array). */
    float[] activation();

    /** Zero state. */
    void reset();

    /** A copy of the whole recurrent state (h, and c for an LSTM), for {@link #restoreState}. */
    float[] saveState();

    /** Makes a state {@link #saveState} returned (of this layer's kind and size) the current one. */
    void restoreState(float[] state);

    /** A cell with its own zero state sharing this one's weights (read-only): one per concurrent caller. */
    SamplingStep fresh();
}
