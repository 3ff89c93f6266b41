package org.charrnn.model.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * A C-order array kept outside DL4J's workspaces and handed out again while the shape stays the
 * same. A fresh native buffer costs a page fault per 4 KB on first touch: allocating the layer's
 * time-major copies anew for every minibatch would pay that on every step. The two shapes used
 * last are kept, so that a pass whose last segment is shorter (a validation) does not reallocate
 * the full-length array for the next pass.
 */
public final class ReusableArray {
    private INDArray array;
    private INDArray previous;

    /** The array of this type and shape (contents undefined), allocated only when neither kept one has them. */
    public INDArray get(DataType type, long... shape) {
        if (fits(array, type, shape)) return array;
        INDArray other = fits(previous, type, shape) ? previous : null;
        if (other == null) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                other = Nd4j.createUninitialized(type, shape);
            }
        }
        previous = array;
        array = other;
        return array;
    }

    private static boolean fits(INDArray a, DataType type, long[] shape) {
        return a != null && a.dataType() == type && Arrays.equals(a.shape(), shape);
    }
}
