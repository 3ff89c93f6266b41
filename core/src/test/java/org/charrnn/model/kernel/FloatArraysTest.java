package org.charrnn.model.kernel;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layer boundaries in training: what our layers pass each other is read back without a copy; anything else is copied. */
class FloatArraysTest {

    @Test
    void aPermutedTimeMajorBufferIsReadBackAsAViewOfItself() {
        INDArray timeMajor = Nd4j.rand(DataType.FLOAT, 7, 3, 5); // [T, B, n]
        INDArray ncw = timeMajor.permute(1, 2, 0);               // what a layer hands DL4J
        ReusableArray buffer = new ReusableArray();
        INDArray back = FloatArrays.timeMajor(ncw, buffer);
        assertEquals(timeMajor, back);
        back.putScalar(new long[]{6, 2, 4}, 42f);
        assertEquals(42f, timeMajor.getFloat(6, 2, 4), "a view writes through to the layer's buffer");
        assertTrue(FloatArrays.isContiguousFloat(back), "the kernels take it as it is");
    }

    @Test
    void anOrdinaryNcwArrayIsCopiedIntoTheReusedBuffer() {
        INDArray ncw = Nd4j.rand(DataType.DOUBLE, 3, 5, 7);      // [B, n, T], C order (DL4J's own arrays)
        ReusableArray buffer = new ReusableArray();
        INDArray first = FloatArrays.timeMajor(ncw, buffer);
        assertEquals(ncw.permute(2, 0, 1), first);
        assertFalse(FloatArrays.isCContiguous(ncw.permute(2, 0, 1)));
        first.putScalar(new long[]{0, 0, 0}, 42.0);
        assertTrue(ncw.getDouble(0, 0, 0) != 42.0, "the caller's array is not written to");
        assertTrue(first == FloatArrays.timeMajor(ncw, buffer), "the same buffer serves the next minibatch");
    }
}
