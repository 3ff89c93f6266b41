package org.charrnn.model.kernel;

import org.charrnn.config.ModelConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one rule that decides whether a cell computes with its float32 training kernel or its exact
 * reference kernel: the training kernel for float networks on the CPU backend; the reference for
 * anything else — double-precision gradient checks, and CUDA, where the training kernels' direct
 * host-memory passes would bypass ND4J's host/device synchronisation. {@code -Dcharrnn.kernel=reference}
 * forces the reference, to compare the two.
 */
public final class KernelChoice {
    public static final String PROPERTY = "charrnn.kernel";

    private KernelChoice() {}

    /** True when a layer of this data type computes with its cell's training kernel. */
    public static boolean trainingKernel(DataType dataType) {
        return dataType == DataType.FLOAT && ours();
    }

    /**
     * Why bf16 products (model.precision: bf16) cannot run here, or null when they can: they need
     * oneDNN with a bf16 product for this CPU (AVX512_BF16, or AVX-512 where oneDNN emulates it).
     */
    public static String whyNoBf16() {
        if (GemmEngine.current() != GemmEngine.ONEDNN) return "it needs oneDNN, and products here run on " + GemmEngine.current().label();
        if (!Bf16Matmul.available()) return "oneDNN has no bf16 product for this CPU (" + GemmEngine.ONEDNN.describe() + ")";
        return null;
    }

    /** Whether a model of this model.precision trains with bf16 products here. */
    public static boolean bf16(ModelConfig.Precision precision) {
        return precision == ModelConfig.Precision.BF16 || precision == ModelConfig.Precision.AUTO && nativeBf16();
    }

    /**
     * Whether this CPU multiplies bfloat16 in hardware (AVX512_BF16 or AMX, as oneDNN finds it), so
     * that bf16 products are faster than float32 ones rather than emulated.
     */
    public static boolean nativeBf16() {
        return whyNoBf16() == null && GemmEngine.ONEDNN.hasNativeBf16();
    }

    /** Our code on the CPU backend (any precision), unless the reference is forced. */
    public static boolean ours() {
        return Nd4j.getBackend().getClass().getName().contains(".cpu.") && !"reference".equals(System.getProperty(PROPERTY, ""));
    }
}
