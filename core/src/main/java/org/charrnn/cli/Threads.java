package org.charrnn.cli;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.LoggerFactory;

/**
 * Thread policy. This OpenBLAS runs on OpenMP, so the process starts with OMP_NUM_THREADS = cores
 * (the launcher's default); OpenBLAS gets OPENBLAS_NUM_THREADS and ND4J's own pool
 * CHARRNN_ND4J_THREADS, both defaulting to that count. Our kernels do their element-wise work in
 * Java, so ND4J's pool serves only what DL4J still runs (the updater); the variable exists to pin it
 * when measuring.
 */
final class Threads {
    private Threads() {}

    static void apply() {
        int openMp = Nd4j.getEnvironment().maxThreads();
        int nd4j = positive(System.getenv("CHARRNN_ND4J_THREADS"), openMp);
        int blas = positive(System.getenv("OPENBLAS_NUM_THREADS"), openMp);
        // setMaxThreads is ignored by the CPU backend; the master-thread count is what ND4J's loops use.
        Nd4j.getEnvironment().setMaxMasterThreads(Math.min(nd4j, openMp));
        Nd4j.factory().blas().setMaxThreads(blas);
        LoggerFactory.getLogger(Threads.class).info("threads in force: ND4J {}, products and stream groups {} (OpenMP {}); products on {}",
                Nd4j.getEnvironment().maxMasterThreads(), Nd4j.factory().blas().getMaxThreads(), openMp,
                org.charrnn.model.kernel.GemmEngine.current().describe());
    }

    /** "2 for products (oneDNN avx512_core_bf16), ND4J 2": for the start of a training run. */
    static String describe() {
        return Nd4j.factory().blas().getMaxThreads() + " for products (" + org.charrnn.model.kernel.GemmEngine.current().describe()
                + "), ND4J " + Nd4j.getEnvironment().maxMasterThreads();
    }

    private static int positive(String value, int otherwise) {
        try {
            int n = value == null ? otherwise : Integer.parseInt(value.trim());
            return n > 0 ? n : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
