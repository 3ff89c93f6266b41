package org.charrnn.model.gru;

import org.charrnn.model.kernel.FloatActivations;

/**
 * The GRU's elementwise forward equations ({@link GruLayerConfig}), written once for the training
 * kernel and the sampling step. Each works on elements [lo, hi) of arrays that hold element k of a
 * gate's input-side (x) or hidden-side (h) pre-activation at that array's offset + k: the training
 * kernel keeps one array per gate and side (offsets 0), the sampling step one row of three blocks per
 * side (offsets 0, n, 2n). Results are written in place, where the training kernel keeps them for its
 * backward pass; {@link GruReferenceKernel} is the plain oracle the tests hold both to.
 */
final class GruEquations {
    private GruEquations() {}

    /** A gate from its two sides, into the input side's array: r = σ(x_r + h_r), or z = σ(x_z + h_z). */
    static void gate(float[] x, int xo, float[] h, int ho, int lo, int hi) {
        for (int k = lo; k < hi; k++) x[xo + k] += h[ho + k];
        FloatActivations.sigmoidInPlace(x, xo + lo, xo + hi);
    }

    /**
     * The candidate n = tanh(x_n + r ⊙ (h_n + b_hn)), into x_n; h_n + b_hn stays in h_n (the reset
     * gate scales the hidden side with its bias, as cuDNN's and PyTorch's GRU do).
     */
    static void candidate(float[] x, int xo, float[] r, int ro, float[] h, int ho, float[] bias, int bo, int lo, int hi) {
        for (int k = lo; k < hi; k++) h[ho + k] += bias[bo + k];
        for (int k = lo; k < hi; k++) x[xo + k] += r[ro + k] * h[ho + k];
        FloatActivations.tanhInPlace(x, xo + lo, xo + hi);
    }

    /** The new hidden state h' = n + z ⊙ (h − n) = (1 − z) ⊙ n + z ⊙ h. */
    static void hidden(float[] next, float[] n, int no, float[] z, int zo, float[] previous, int lo, int hi) {
        for (int k = lo; k < hi; k++) next[k] = n[no + k] + z[zo + k] * (previous[k] - n[no + k]);
    }
}
