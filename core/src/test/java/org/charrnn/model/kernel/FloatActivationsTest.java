package org.charrnn.model.kernel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast float activations against java.lang.Math, over the whole range that matters and beyond. */
class FloatActivationsTest {

    @Test
    void tanhAndSigmoidAreWithinFourTenMillionthsEverywhere() {
        double worstTanh = 0;
        double worstSigmoid = 0;
        for (int k = -4_000_000; k <= 4_000_000; k++) {
            float x = k * 1e-5f; // [-40, 40] in steps of 1e-5
            worstTanh = Math.max(worstTanh, Math.abs(FloatActivations.tanh(x) - Math.tanh(x)));
            worstSigmoid = Math.max(worstSigmoid, Math.abs(FloatActivations.sigmoid(x) - 1 / (1 + Math.exp(-x))));
        }
        assertTrue(worstTanh < 4e-7, "tanh error " + worstTanh);
        assertTrue(worstSigmoid < 4e-7, "sigmoid error " + worstSigmoid);
        assertEquals(1f, FloatActivations.tanh(Float.MAX_VALUE), 1e-6f);
        assertEquals(0f, FloatActivations.sigmoid(-Float.MAX_VALUE), 1e-6f);
        assertTrue(Float.isNaN(FloatActivations.tanh(Float.NaN)), "NaN must survive, so divergence is still seen");
    }

    @Test
    void inPlaceLoopsApplyTheSameFunctionToTheirRangeOnly() {
        float[] a = {-3f, -0.5f, 0f, 0.5f, 3f, 9f};
        float[] b = a.clone();
        FloatActivations.sigmoidInPlace(a, 1, 3);
        FloatActivations.tanhInPlace(b, 3, 6);
        assertEquals(-3f, a[0]);
        assertEquals(FloatActivations.sigmoid(-0.5f), a[1]);
        assertEquals(0.5f, a[2]);
        assertEquals(0.5f, a[3]);
        assertEquals(0f, b[2]);
        assertEquals(FloatActivations.tanh(3f), b[4]);
    }
}
