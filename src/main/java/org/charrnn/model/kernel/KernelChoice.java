package org.charrnn.model.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one rule that decides whether a cell computes with its fast float32 kernel or its exact
 * reference kernel: fast for float networks on the CPU backend; the reference for anything else —
 * double-precision gradient checks, and CUDA, where the fast kernels' direct host-memory passes would
 * bypass ND4J's host/device synchronisation. {@code -Dcharrnn.kernel=reference} forces the reference
 * to compare the two ({@code native}, the older name, still works).
 */
public final class KernelChoice {
    public static final String PROPERTY = "charrnn.kernel";

    private KernelChoice() {}

    public static boolean fast(DataType dataType) {
        return dataType == DataType.FLOAT && ours();
    }

    /** Our code on the CPU backend (any precision), unless the reference is forced. */
    public static boolean ours() {
        String forced = System.getProperty(PROPERTY, "");
        boolean forceReference = forced.equals("reference") || forced.equals("native");
        return Nd4j.getBackend().getClass().getName().contains(".cpu.") && !forceReference;
    }
}
