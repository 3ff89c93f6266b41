package org.charrnn.model.kernel;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Characters are looked up, never multiplied: a NaN in a row of Wx that no character selects cannot
 * reach the gates on the lookup path, while any product with Wx (0 × NaN = NaN) would carry it.
 */
class InputProjectionTest {
    private static final int V = 5;
    private static final int WIDTH = 8;

    private static INDArray weightsWithNaNInRow(int row) {
        INDArray wx = Nd4j.rand(DataType.FLOAT, V, WIDTH);
        wx.getRow(row).assign(Float.NaN);
        return wx;
    }

    @Test
    void oneHotRowsAndIndicesAreLookedUp() {
        INDArray wx = weightsWithNaNInRow(4);
        INDArray b = Nd4j.rand(DataType.FLOAT, WIDTH);
        int[] chars = {0, 3, 1, 3, 2, 0};
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, chars.length, V);
        INDArray indices = Nd4j.zeros(DataType.FLOAT, chars.length, 1);
        for (int r = 0; r < chars.length; r++) {
            oneHot.putScalar(r, chars[r], 1);
            indices.putScalar(r, 0, chars[r]);
        }
        INDArray fromRows = Nd4j.zeros(DataType.FLOAT, chars.length, WIDTH);
        INDArray fromIndices = Nd4j.zeros(DataType.FLOAT, chars.length, WIDTH);
        new InputProjection().forward(oneHot, wx, b, fromRows);
        new InputProjection().forward(indices, wx, b, fromIndices);
        assertFalse(Double.isNaN(fromRows.sumNumber().doubleValue()), "no row of Wx was multiplied");
        assertEquals(fromRows, fromIndices);
        for (int r = 0; r < chars.length; r++) assertEquals(wx.getRow(chars[r]).add(b), fromRows.getRow(r));
    }

    @Test
    void denseRowsAreMultiplied() {
        INDArray wx = weightsWithNaNInRow(4);
        INDArray x = Nd4j.zeros(DataType.FLOAT, 3, V);
        x.putScalar(0, 1, 1);
        x.putScalar(1, 2, 0.5); // not one-hot
        x.putScalar(2, 0, 1);
        INDArray gates = Nd4j.zeros(DataType.FLOAT, 3, WIDTH);
        new InputProjection().forward(x, wx, Nd4j.zeros(DataType.FLOAT, WIDTH), gates);
        assertTrue(Double.isNaN(gates.sumNumber().doubleValue()), "the dense input went through the product with Wx");
    }
}
