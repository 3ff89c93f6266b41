package org.charrnn.model.kernel;

import java.nio.FloatBuffer;

/** Recognises a matrix whose every row is one-hot, so its product with a weight matrix can be a row lookup. */
public final class OneHotRows {
    private OneHotRows() {}

    /**
     * True when each of the {@code rows} rows of {@code width} floats holds exactly one 1 and zeros
     * elsewhere; then {@code codes[r]} is the column of row r's 1. Stops at the first value that is
     * neither 0 nor 1, so a dense input costs next to nothing.
     */
    public static boolean codes(FloatBuffer m, int rows, int width, int[] codes) {
        for (int r = 0; r < rows; r++) {
            int hot = -1;
            int base = r * width;
            for (int k = 0; k < width; k++) {
                float v = m.get(base + k);
                if (v == 0f) continue;
                if (v != 1f || hot >= 0) return false;
                hot = k;
            }
            if (hot < 0) return false;
            codes[r] = hot;
        }
        return true;
    }
}
