package org.charrnn.model;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The one place that decides which {@link LstmKernel} our layer computes with: the fast float32
 * kernel for float networks, ND4J's native ops (the exact reference) for anything else — double
 * precision gradient checks among them. {@code -Dcharrnn.kernel=native} forces the reference, to
 * compare the two.
 */
public final class LstmKernels {
    public static final String PROPERTY = "charrnn.kernel";

    private LstmKernels() {}

    public static LstmKernel forDataType(DataType dataType) {
        boolean forceNative = "native".equals(System.getProperty(PROPERTY));
        return dataType == DataType.FLOAT && !forceNative ? new FastLstmKernel() : new NativeLstmKernel();
    }
}
