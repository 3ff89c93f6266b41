package org.charrnn.model.kernel;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.LoggerFactory;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * The library that multiplies our float matrices, chosen once per process:
 * <ul>
 *   <li>{@link #ONEDNN}: oneDNN's {@code dnnl_sgemm}. It picks its kernels for the CPU it runs on
 *   (AVX-512, AVX2, ...) at run time, whatever OpenBLAS was told or guessed, and runs the small
 *   per-step products of a recurrence ([B, n] × [n, 4n]) near a core's peak on one thread, which
 *   is what lets {@link StreamParallel} give each core its own streams;</li>
 *   <li>{@link #OPENBLAS}: {@code cblas_sgemm} in the OpenBLAS ND4J itself runs on: the fallback
 *   wherever oneDNN's natives do not load.</li>
 * </ul>
 * {@code -Dcharrnn.gemm=openblas} (or {@code onednn}) overrides the choice, to compare the two.
 * Both take row-major operands; both use OpenMP, whose thread count is the calling thread's own.
 */
public enum GemmEngine {
    ONEDNN("oneDNN") {
        @Override
        void sgemm(boolean ta, boolean tb, long m, long n, long k, float alpha, FloatPointer a, long lda, FloatPointer b, long ldb,
                   float beta, FloatPointer c, long ldc) {
            int threads = m * n * k < SINGLE_THREAD_WORK ? threadsOfThisThread() : 1;
            if (threads > 1) setThreadsOfThisThread(1); // waking a sleeping OpenMP team costs more than a small product
            try {
                int status = org.bytedeco.dnnl.global.dnnl.dnnl_sgemm(ta ? T : N, tb ? T : N, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                if (status != 0) throw new IllegalStateException("dnnl_sgemm failed with status " + status);
            } finally {
                if (threads > 1) setThreadsOfThisThread(threads);
            }
        }
    },
    OPENBLAS("OpenBLAS") {
        @Override
        void sgemm(boolean ta, boolean tb, long m, long n, long k, float alpha, FloatPointer a, long lda, FloatPointer b, long ldb,
                   float beta, FloatPointer c, long ldc) {
            cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int) m, (int) n, (int) k,
                    alpha, a, (int) lda, b, (int) ldb, beta, c, (int) ldc);
        }
    };

    public static final String PROPERTY = "charrnn.gemm";
    /** Products of fewer multiply-adds run on the calling thread alone (OpenBLAS's own threshold, 4 × 2^16). */
    static final long SINGLE_THREAD_WORK = 1L << 18;
    private static final byte N = 'N';
    private static final byte T = 'T';
    private static volatile GemmEngine current;

    private final String label;

    GemmEngine(String label) {
        this.label = label;
    }

    /** C = α·op(A)·op(B) + β·C, every operand row-major with the given leading dimension. */
    abstract void sgemm(boolean ta, boolean tb, long m, long n, long k, float alpha, FloatPointer a, long lda, FloatPointer b,
                        long ldb, float beta, FloatPointer c, long ldc);

    /** C = A·B on this engine for C-order float matrices (bench measures each engine's peak with it). */
    public void multiply(org.nd4j.linalg.api.ndarray.INDArray a, org.nd4j.linalg.api.ndarray.INDArray b,
                         org.nd4j.linalg.api.ndarray.INDArray c) {
        sgemm(false, false, a.rows(), b.columns(), a.columns(), 1f, Gemm.pointer(a), a.columns(), Gemm.pointer(b), b.columns(), 0f,
                Gemm.pointer(c), c.columns());
    }

    /** "oneDNN" or "OpenBLAS". */
    public String label() {
        return label;
    }

    /**
     * True when separate threads may each run a single-threaded product at once: oneDNN is
     * reentrant; the OpenMP build of OpenBLAS that ND4J ships shares its buffers and thread count
     * between callers, so it runs on one thread at a time.
     */
    public boolean concurrent() {
        return this == ONEDNN;
    }

    /** The engine in force: the property's, else oneDNN when its natives load here, else OpenBLAS. */
    public static GemmEngine current() {
        GemmEngine e = current;
        if (e == null) {
            synchronized (GemmEngine.class) {
                if (current == null) current = choose();
                e = current;
            }
        }
        return e;
    }

    private static GemmEngine choose() {
        String forced = System.getProperty(PROPERTY, "").trim().toLowerCase(java.util.Locale.ROOT);
        if (forced.equals("openblas")) return OPENBLAS;
        try {
            org.bytedeco.javacpp.Loader.load(org.bytedeco.dnnl.global.dnnl.class);
            return ONEDNN;
        } catch (Throwable t) { // UnsatisfiedLinkError, or a missing class on a platform without the natives
            if (forced.equals("onednn")) throw new IllegalStateException("-D" + PROPERTY + "=onednn: oneDNN does not load here (" + t + ")");
            LoggerFactory.getLogger(GemmEngine.class).info("oneDNN is not available here ({}); matrix products run on OpenBLAS", t.toString());
            return OPENBLAS;
        }
    }

    /** For oneDNN: whether the ISA it runs here has bfloat16 instructions (its ISA masks: avx512_core_bf16 and up). */
    boolean hasNativeBf16() {
        if (this != ONEDNN) return false;
        int avx512CoreBf16 = 231;
        return (org.bytedeco.dnnl.global.dnnl.dnnl_get_effective_cpu_isa() & avx512CoreBf16) == avx512CoreBf16;
    }

    /**
     * What this engine runs on here, as bench and --verbose print it: "oneDNN avx512_core_bf16",
     * "OpenBLAS (core: OPENBLAS_CORETYPE=Haswell)".
     */
    public String describe() {
        if (this == ONEDNN) {
            int isa = org.bytedeco.dnnl.global.dnnl.dnnl_get_effective_cpu_isa();
            String name = switch (isa) {
                case 1 -> "sse41";
                case 3 -> "avx";
                case 7 -> "avx2";
                case 39 -> "avx512_core";
                case 103 -> "avx512_core_vnni";
                case 231 -> "avx512_core_bf16";
                case 999 -> "avx512_core_amx";
                case 1031 -> "avx2_vnni";
                default -> "isa " + isa;
            };
            return label + " " + name;
        }
        String core = System.getenv("OPENBLAS_CORETYPE");
        return label + " (core: " + (core == null || core.isBlank() ? "its own guess" : "OPENBLAS_CORETYPE=" + core) + ")";
    }

    /** OpenMP threads of the calling thread's own products (each thread has its own setting). */
    static void setThreadsOfThisThread(int threads) {
        Native.OPS.setOmpNumThreads(threads);
    }

    static int threadsOfThisThread() {
        return Native.OPS.ompGetMaxThreads();
    }

    /** ND4J's native library, whose OpenMP is the one oneDNN and OpenBLAS use too (loaded with ND4J's backend first). */
    private static final class Native {
        static final org.nd4j.nativeblas.NativeOps OPS;

        static {
            org.nd4j.linalg.factory.Nd4j.getBackend();
            OPS = NativeOpsHolder.getInstance().getDeviceNativeOps();
        }
    }
}
