package org.charrnn.cli;

import org.charrnn.model.kernel.GemmEngine;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Prints which kernels this process gets: run by bench as a child with OPENBLAS_VERBOSE=2, so that
 * OpenBLAS names the core it loaded ("Core: Haswell") beside the engine of our products.
 */
final class KernelProbe {
    private KernelProbe() {}

    public static void main(String[] args) {
        Nd4j.create(1); // loads ND4J and with it OpenBLAS, which prints its core
        System.out.println("products: " + GemmEngine.current().describe());
    }
}
