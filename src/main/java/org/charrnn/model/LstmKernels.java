package org.charrnn.model;

/** The one place that decides which {@link LstmKernel} our layer computes with. */
public final class LstmKernels {
    private LstmKernels() {}

    public static LstmKernel defaultKernel() {
        return new NativeLstmKernel();
    }
}
