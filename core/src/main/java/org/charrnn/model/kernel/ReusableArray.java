package org.charrnn.model.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * A C-order array kept outside DL4J's workspaces and handed out again while the shape stays the
 * same. A fresh native buffer costs a page fault per 4 KB on first touch: allocating the layer's
 * time-major copies anew for every minibatch would pay that on every step.
 */
public final class ReusableArray {
    private INDArray array;

    /** The array of this type and shape (contents undefined), allocated only when either changed. */
    public INDArray get(DataType type, long... shape) {
        if (array == null || array.dataType() != type || !Arrays.equals(array.shape(), shape)) {
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                array = Nd4j.createUninitialized(type, shape);
            }
        }
        return array;
    }
}
