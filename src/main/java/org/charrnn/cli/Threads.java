package org.charrnn.cli;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.LoggerFactory;

/**
 * Thread policy. This OpenBLAS runs on OpenMP, so the process starts with OMP_NUM_THREADS = cores
 * (the launcher's default); OpenBLAS gets OPENBLAS_NUM_THREADS and ND4J's own pool
 * CHARRNN_ND4J_THREADS, both defaulting to that count. Our LSTM kernel does its element-wise work in
 * Java, so ND4J's pool only serves DL4J's output layer and updater: measured window by window in one
 * JVM, one or two ND4J threads train 2×128 at the same speed (47,700 vs 46,800 chars/s) and two are
 * ~5 % faster on 3×512 (3,710 vs 3,530: its updater sweeps 5.3 M parameters). When ND4J's sigmoid
 * still ran the gates, one thread won clearly (16 µs per small op against 60–95 µs with two); that
 * is why the variable exists.
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
