package org.charrnn.model.lstm;

import org.charrnn.model.kernel.FloatActivations;

/**
 * The LSTM's elementwise forward equations ({@link LstmLayerConfig}), written once for the training
 * kernel and the sampling step. Each works on elements [lo, hi) of gate arrays that hold element k of
 * a gate at that gate's offset + k: the training kernel keeps one array per gate (offsets 0), the
 * sampling step one row of four blocks (offsets 0, n, 2n, 3n). The backward pass is the training
 * kernel's alone; {@link LstmReferenceKernel} is the plain oracle the tests hold both to.
 */
final class LstmEquations {
    private LstmEquations() {}

    /** The gates from their pre-activations, in place: i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o). */
    static void gates(float[] i, int io, float[] f, int fo, float[] g, int go, float[] o, int oo, int lo, int hi) {
        FloatActivations.sigmoidInPlace(i, io + lo, io + hi);
        FloatActivations.sigmoidInPlace(f, fo + lo, fo + hi);
        FloatActivations.tanhInPlace(g, go + lo, go + hi);
        FloatActivations.sigmoidInPlace(o, oo + lo, oo + hi);
    }

    /** The new cell state c' = f ⊙ c + i ⊙ g ({@code next} may be {@code previous}: each element reads only its own). */
    static void cellState(float[] previous, float[] next, float[] i, int io, float[] f, int fo, float[] g, int go, int lo, int hi) {
        for (int k = lo; k < hi; k++) next[k] = f[fo + k] * previous[k] + i[io + k] * g[go + k];
    }

    /** tanh of the new cell state, what the output gate scales without layer normalisation. */
    static void cellTanh(float[] c, float[] out, int lo, int hi) {
        for (int k = lo; k < hi; k++) out[k] = FloatActivations.tanh(c[k]);
    }

    /** The hidden state h = o ⊙ a, where a is tanh(c') (with layer normalisation tanh(γc ⊙ LN(c') + βc)). */
    static void hidden(float[] h, float[] o, int oo, float[] a, int lo, int hi) {
        for (int k = lo; k < hi; k++) h[k] = o[oo + k] * a[k];
    }
}
