package org.charrnn.cli;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.LoggerFactory;

/**
 * Thread policy. This OpenBLAS runs on OpenMP, so the process starts with OMP_NUM_THREADS = cores
 * (the launcher's default); OpenBLAS gets OPENBLAS_NUM_THREADS (default: that count) and ND4J's own
 * pool is lowered to CHARRNN_ND4J_THREADS (default 1). Our LSTM kernel does its element-wise work in
 * Java, so ND4J's pool only serves DL4J's output layer and updater, where one thread or two made no
 * difference within noise ({@code charrnn bench --threads 2,1:2}: 44,200 vs 42,700 chars/s on 2×128,
 * 3,660 vs 3,640 on 3×512); one thread does not compete with OpenBLAS's. (When ND4J's sigmoid still
 * ran the gates, one thread won clearly: 16 µs per op against 60–95 µs with two.)
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
