package org.charrnn.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place that decides which {@link LstmKernel} our layer computes with: the fast float32
 * kernel for float networks on the CPU backend, ND4J's native ops (the exact reference) for
 * anything else — double-precision gradient checks, and CUDA, where the fast kernel's direct
 * host-memory passes would bypass ND4J's host/device synchronisation. {@code -Dcharrnn.kernel=native} forces the reference, to
 * compare the two.
 */
public final class LstmKernels {
    public static final String PROPERTY = "charrnn.kernel";

    private LstmKernels() {}

    public static LstmKernel forDataType(DataType dataType) {
        boolean forceNative = "native".equals(System.getProperty(PROPERTY));
        boolean cpu = Nd4j.getBackend().getClass().getName().contains(".cpu.");
        return dataType == DataType.FLOAT && cpu && !forceNative ? new FastLstmKernel() : new NativeLstmKernel();
    }
}
