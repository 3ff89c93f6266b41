package org.charrnn.model;

import org.charrnn.config.ModelConfig;
import org.charrnn.config.Optimization;

/**
 * What a model takes in memory, worked out from its configuration alone — before ND4J is loaded,
 * so that the launcher's JVM can be given limits sized to the model (cli.MemoryPlan) — in two
 * parts: the Java heap (the kernels' per-step arrays, a checkpoint being encoded) and native memory
 * (ND4J's arrays: weights, gradients, optimizer state, the segment's gates; the bf16 copies). An
 * estimate within a small factor, checked against what DL4J builds by MemoryEstimateTest.
 *
 * @param parameters     the model's parameter count
 * @param parameterBytes weights, gradients, optimizer state, the weights' mean under averaging (native)
 * @param heapBytes      what training keeps in the Java heap: activations, validation's, a checkpoint's encoding
 * @param nativeBytes    everything native: the parameter arrays and the segment's ND4J buffers
 * @param bf16Bytes      bf16 copies of the products' operands (native, counted by JavaCPP), 0 in f32
 */
public record MemoryEstimate(long parameters, long parameterBytes, long heapBytes, long nativeBytes, long bf16Bytes) {
    private static final long FLOAT = 4;
    /**
     * A validation's call reads at least a training segment's rows and up to VALIDATION_ROWS, as long as
     * rows × units stay within VALIDATION_VALUES: the kernels keep every step's activations, so a wide
     * layer's long stretch would hold hundreds of MB, while a narrow one's short segments cost their calls.
     */
    public static final int VALIDATION_ROWS = 2048;
    public static final long VALIDATION_VALUES = 1 << 18;

    public long totalBytes() {
        return heapBytes + nativeBytes;
    }

    /** What a JVM with ND4J loaded holds before any model: classes, native libraries, their buffers. */
    public static final long BASE_BYTES = 300L << 20;

    /** Whether the Java-heap part fits in this process's heap (with a sixth to spare for the collector). */
    public static boolean heapFits(MemoryEstimate need) {
        return need.heapBytes <= heapCeiling() * 0.85;
    }

    /** Whether all of it, and the process's own base, fit in nine tenths of this machine's memory. */
    public static boolean machineFits(MemoryEstimate need) {
        return need.totalBytes() + BASE_BYTES <= machineBytes() * 0.9;
    }

    /** This process's heap limit. */
    public static long heapCeiling() {
        return Runtime.getRuntime().maxMemory();
    }

    /** This machine's physical memory (or its container's limit), as the JVM sees it. */
    public static long machineBytes() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : Runtime.getRuntime().maxMemory() * 4;
    }

    /** Training: a minibatch of {@code batch} streams × {@code seqLength} steps; {@code averaging}: train.average_from below 1. */
    public static MemoryEstimate training(ModelConfig model, Optimization optimization, int batch, int seqLength, int vocabulary,
                                          boolean averaging) {
        long parameters = parameters(model, vocabulary);
        int optimizerArrays = switch (optimization.optimizer()) {
            case ADAM -> 2;
            case SGD -> 0;
            case RMSPROP, ADAGRAD -> 1;
        };
        long parameterBytes = parameters * FLOAT * (2 + optimizerArrays + (averaging ? 2 : 0));
        long n = model.rnnSize();
        int g = gates(model.type());
        long rows = (long) batch * seqLength;
        long validationRows = validationRows(batch, seqLength, n);
        // Per layer, per row of the segment: the kernel's Java arrays (each gate's activations, the states,
        // layer norm's normalised rows) and its ND4J buffers (pre-activations and their gradients, the states).
        long javaPerRow = n * FLOAT * (2L * g + 4 + (model.layerNorm() ? 2L * g + 2 : 0));
        // Pre-activations and their gradients: the LSTM's gradients take its pre-activations' buffers (one
        // side, or two with layer norm); the GRU and the RNN keep them apart, the GRU for each side.
        long sides = switch (model.type()) {
            case GRU -> 4L;
            case RNN -> 2L;
            case LSTM -> model.layerNorm() ? 2L : 1L;
        };
        long nativePerRow = n * FLOAT * (sides * g + 3);
        long layers = model.numLayers();
        long outputPerRow = (long) vocabulary * FLOAT * 3; // logits, probabilities, their gradient
        long checkpoint = parameters * FLOAT * (1 + optimizerArrays + (averaging ? 1 : 0)); // weights, optimizer state, training weights
        long heap = layers * javaPerRow * (rows + validationRows * 2) // training's kernels, validation's two shapes
                + 3 * checkpoint; // a checkpoint being written: DL4J's bytes, the entries, the zip
        long nat = parameterBytes + layers * nativePerRow * (rows + validationRows * 2) + outputPerRow * (rows + validationRows);
        boolean bf16 = !(model.precision() == ModelConfig.Precision.F32);
        long bf16Bytes = bf16 ? parameters * 2 * 2 + layers * rows * n * 2 * 2 : 0;
        return new MemoryEstimate(parameters, parameterBytes, heap, nat + bf16Bytes, bf16Bytes);
    }

    /** Using a trained model (sample, eval, serve): its weights, a validation's buffers, loading the checkpoint. */
    public static MemoryEstimate inference(ModelConfig model, int vocabulary, int batch, int seqLength) {
        long parameters = parameters(model, vocabulary);
        long n = model.rnnSize();
        int g = gates(model.type());
        long rows = validationRows(batch, seqLength, n);
        long weights = parameters * FLOAT;
        long heap = model.numLayers() * rows * n * FLOAT * (2L * g + 4) * 2 + 4 * weights * 2; // eval's arrays; the zip read (weights and optimizer state)
        long nat = 3 * weights + model.numLayers() * rows * n * FLOAT * (2L * g + 3) * 2 + rows * vocabulary * FLOAT * 3;
        return new MemoryEstimate(parameters, weights, heap, nat, 0);
    }

    /** A validation's rows per call (eval.Evaluator): see VALIDATION_ROWS. */
    public static long validationRows(int batch, int seqLength, long units) {
        long rows = Math.max(VALIDATION_ROWS, (long) batch * seqLength);
        return Math.max((long) batch * seqLength, Math.min(rows, VALIDATION_VALUES / Math.max(1, units)));
    }

    /** The parameters GraphFactory's network has: [embedding], the recurrent layers, the softmax output. */
    public static long parameters(ModelConfig model, int vocabulary) {
        long n = model.rnnSize();
        int g = gates(model.type());
        long in = model.embeddingSize() > 0 ? model.embeddingSize() : vocabulary;
        long total = model.embeddingSize() > 0 ? (long) vocabulary * model.embeddingSize() : 0;
        // DL4J's stock LSTM and SimpleRnn have the same W, RW and b as our cells.
        for (int i = 0; i < model.numLayers(); i++, in = n) total += (in + n) * g * n + bias(model, n) + gains(model, n);
        return total + n * vocabulary + vocabulary;
    }

    private static int gates(ModelConfig.Cell type) {
        return switch (type) {
            case GRU -> 3;
            case RNN -> 1;
            case LSTM -> 4;
        };
    }

    /** The cells' b lengths (RecurrentLayerConfig.biasLength): the GRU keeps its recurrent-side b_hn apart. */
    private static long bias(ModelConfig model, long n) {
        return switch (model.type()) {
            case GRU, LSTM -> 4 * n;
            case RNN -> n;
        };
    }

    /** The cells' layer-normalisation gains (RecurrentLayerConfig.gainLength). */
    private static long gains(ModelConfig model, long n) {
        if (!model.layerNorm()) return 0;
        return model.type() == ModelConfig.Cell.GRU ? 6 * n : 10 * n;
    }
}
