package org.charrnn.model.kernel;

/**
 * Layer normalisation's arithmetic over one row held in up to four segments (a cell's gate blocks
 * live in separate per-gate arrays): the forward û = (u − mean) / √(var + ε), and the backward
 * du = (dû − mean(dû) − û · mean(dû ⊙ û)) / √(var + ε) for dû = dL/dû. A row is one stream's
 * pre-activations of one step; callers pass the same segments to both passes.
 */
public final class RowNorm {
    /** PyTorch's LayerNorm default. */
    public static final float EPSILON = 1e-5f;

    private RowNorm() {}

    /**
     * Normalises the row u = a[off, off+len) ++ b[…] ++ c[…] into ha, hb, hc at the same offsets
     * (b, c null for a one-segment row) and returns 1 / √(var + ε).
     */
    public static float forward(float[] a, float[] b, float[] c, int off, int len, float[] ha, float[] hb, float[] hc) {
        return forward(a, b, c, off, len, ha, hb, hc, off);
    }

    /** As above, the normalised values written from {@code hatOff} on. */
    public static float forward(float[] a, float[] b, float[] c, int off, int len, float[] ha, float[] hb, float[] hc, int hatOff) {
        return forward(a, b, c, null, off, len, ha, hb, hc, null, hatOff);
    }

    /** A row in four segments (the LSTM's gate blocks), a…d null from the first absent one on. */
    public static float forward(float[] a, float[] b, float[] c, float[] d, int off, int len, float[] ha, float[] hb, float[] hc,
                                float[] hd, int hatOff) {
        int count = len * segments(b, c, d);
        // One pass for both moments, of u − u₀ (the row's first value): shifted, the sum of squares
        // does not cancel against the mean even where the mean is large against the spread.
        float shift = a[off];
        long ma = moments(a, off, len, shift), mb = moments(b, off, len, shift), mc = moments(c, off, len, shift);
        long md = moments(d, off, len, shift);
        double meanShifted = ((double) first(ma) + first(mb) + first(mc) + first(md)) / count;
        double var = Math.max(0, ((double) second(ma) + second(mb) + second(mc) + second(md)) / count - meanShifted * meanShifted);
        float inv = (float) (1 / Math.sqrt(var + EPSILON));
        float mean = (float) (shift + meanShifted);
        scale(a, off, len, mean, inv, ha, hatOff);
        scale(b, off, len, mean, inv, hb, hatOff);
        scale(c, off, len, mean, inv, hc, hatOff);
        scale(d, off, len, mean, inv, hd, hatOff);
        return inv;
    }

    private static int segments(float[] b, float[] c, float[] d) {
        return b == null ? 1 : c == null ? 2 : d == null ? 3 : 4;
    }

    /**
     * Turns dû (in da, db, dc, overwritten) into du for the row whose normalised values are ha, hb,
     * hc and whose forward returned {@code inv}.
     */
    public static void backward(float[] da, float[] db, float[] dc, int off, int len, float[] ha, float[] hb, float[] hc, float inv) {
        backward(da, db, dc, off, len, ha, hb, hc, off, inv);
    }

    /** As above, the normalised values read from {@code hatOff} on. */
    public static void backward(float[] da, float[] db, float[] dc, int off, int len, float[] ha, float[] hb, float[] hc, int hatOff,
                                float inv) {
        backward(da, db, dc, null, off, len, ha, hb, hc, null, hatOff, inv);
    }

    /** A row in four segments (the LSTM's gate blocks), da…dd null from the first absent one on. */
    public static void backward(float[] da, float[] db, float[] dc, float[] dd, int off, int len, float[] ha, float[] hb, float[] hc,
                                float[] hd, int hatOff, float inv) {
        int count = len * segments(db, dc, dd);
        long ma = sumAndDot(da, ha, off, hatOff, len), mb = sumAndDot(db, hb, off, hatOff, len), mc = sumAndDot(dc, hc, off, hatOff, len);
        long md = sumAndDot(dd, hd, off, hatOff, len);
        float meanGrad = (float) (((double) first(ma) + first(mb) + first(mc) + first(md)) / count);
        float meanProduct = (float) (((double) second(ma) + second(mb) + second(mc) + second(md)) / count);
        project(da, ha, off, hatOff, len, meanGrad, meanProduct, inv);
        project(db, hb, off, hatOff, len, meanGrad, meanProduct, inv);
        project(dc, hc, off, hatOff, len, meanGrad, meanProduct, inv);
        project(dd, hd, off, hatOff, len, meanGrad, meanProduct, inv);
    }

    // Reductions in four float chains each (C2 does not vectorise float sums; independent chains
    // keep the adders busy). Each returns its two sums packed in one long: an array for them, one per
    // row and step, was allocated on the hot path (escape analysis did not remove it).

    private static long pair(float x, float y) {
        return (long) Float.floatToRawIntBits(x) << 32 | Float.floatToRawIntBits(y) & 0xffffffffL;
    }

    private static float first(long pair) {
        return Float.intBitsToFloat((int) (pair >>> 32));
    }

    private static float second(long pair) {
        return Float.intBitsToFloat((int) pair);
    }

    /** Σ (a − shift) and Σ (a − shift)² over a[off, off+len); zeros for a null segment. */
    private static long moments(float[] a, int off, int len, float shift) {
        if (a == null) return pair(0f, 0f);
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        int k = off;
        int end = off + len;
        for (; k + 3 < end; k += 4) {
            float v0 = a[k] - shift, v1 = a[k + 1] - shift, v2 = a[k + 2] - shift, v3 = a[k + 3] - shift;
            s0 += v0;
            s1 += v1;
            s2 += v2;
            s3 += v3;
            q0 += v0 * v0;
            q1 += v1 * v1;
            q2 += v2 * v2;
            q3 += v3 * v3;
        }
        for (; k < end; k++) {
            float v = a[k] - shift;
            s0 += v;
            q0 += v * v;
        }
        return pair(s0 + s1 + s2 + s3, q0 + q1 + q2 + q3);
    }

    /** Σ d[off + k] and Σ d[off + k]·hat[hatOff + k] over k in [0, len); zeros for a null segment. */
    private static long sumAndDot(float[] d, float[] hat, int off, int hatOff, int len) {
        if (d == null) return pair(0f, 0f);
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, p0 = 0, p1 = 0, p2 = 0, p3 = 0;
        int shift = hatOff - off;
        int k = off;
        int end = off + len;
        for (; k + 3 < end; k += 4) {
            float d0 = d[k], d1 = d[k + 1], d2 = d[k + 2], d3 = d[k + 3];
            s0 += d0;
            s1 += d1;
            s2 += d2;
            s3 += d3;
            p0 += d0 * hat[k + shift];
            p1 += d1 * hat[k + 1 + shift];
            p2 += d2 * hat[k + 2 + shift];
            p3 += d3 * hat[k + 3 + shift];
        }
        for (; k < end; k++) {
            s0 += d[k];
            p0 += d[k] * hat[k + shift];
        }
        return pair(s0 + s1 + s2 + s3, p0 + p1 + p2 + p3);
    }

    private static void scale(float[] a, int off, int len, float mean, float inv, float[] out, int outOff) {
        if (a == null) return;
        for (int k = 0; k < len; k++) out[outOff + k] = (a[off + k] - mean) * inv;
    }

    private static void project(float[] d, float[] hat, int off, int hatOff, int len, float meanGrad, float meanProduct, float inv) {
        if (d == null) return;
        for (int k = 0; k < len; k++) d[off + k] = inv * (d[off + k] - meanGrad - hat[hatOff + k] * meanProduct);
    }
}
