package org.charrnn.cli;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.LoggerFactory;

/**
 * Thread policy, measured with {@code charrnn bench --threads 1,2,1:2} on 2 cores: ND4J's own
 * element-wise ops are fastest on one thread (a sigmoid on [50,128]: 16 µs with one, 60–95 µs with
 * two), while OpenBLAS's GEMMs gain from every core. This OpenBLAS runs on OpenMP, so the process
 * starts with OMP_NUM_THREADS = cores (the launcher's default) and ND4J's own pool is then lowered to
 * CHARRNN_ND4J_THREADS (default 1), OpenBLAS set to OPENBLAS_NUM_THREADS (default: the OpenMP count).
 * On 2×128: 34,200 chars/s against 30,400 with 2 and 2, 25,500 with 1 and 1; 3×512 unchanged.
 */
final class Threads {
    private Threads() {}

    static void apply() {
        int openMp = Nd4j.getEnvironment().maxThreads();
        int nd4j = positive(System.getenv("CHARRNN_ND4J_THREADS"), 1);
        int blas = positive(System.getenv("OPENBLAS_NUM_THREADS"), openMp);
        // setMaxThreads is ignored by the CPU backend; the master-thread count is what ND4J's loops use.
        Nd4j.getEnvironment().setMaxMasterThreads(Math.min(nd4j, openMp));
        Nd4j.factory().blas().setMaxThreads(blas);
        LoggerFactory.getLogger(Threads.class).info("threads in force: ND4J {}, OpenBLAS {} (OpenMP {})",
                Nd4j.getEnvironment().maxMasterThreads(), Nd4j.factory().blas().getMaxThreads(), openMp);
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
