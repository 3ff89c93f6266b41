package org.charrnn.train;

import org.charrnn.config.ConfigException;
import org.charrnn.config.ModelConfig;
import org.charrnn.config.RunConfig;
import org.charrnn.model.MemoryEstimate;

/**
 * What this machine can run: the precision it multiplies natively (model.precision auto and bf16),
 * and whether a model's training fits its memory — checked before anything is allocated.
 */
final class MachineFit {
    private MachineFit() {}

    /** model.precision: auto becomes what this machine runs best, said, and recorded in the run's config. */
    static RunConfig choosePrecision(RunConfig config, TrainingEvents events) {
        if (config.model().precision() != ModelConfig.Precision.AUTO) return config;
        boolean bf16 = config.model().core() == ModelConfig.Core.FUSED && org.charrnn.model.kernel.KernelChoice.nativeBf16();
        events.message("model.precision auto: " + (bf16 ? "bf16 (this CPU multiplies bfloat16 natively: "
                + org.charrnn.model.kernel.GemmEngine.ONEDNN.describe() + ")" : "f32 (no native bfloat16 products here)"));
        return config.with("model.precision=" + (bf16 ? "bf16" : "f32"));
    }

    /** model.precision: bf16 on a machine that cannot run it is refused, naming why (f32 always runs). */
    static void requirePrecision(RunConfig config) {
        if (config.model().precision() != ModelConfig.Precision.BF16) return;
        String why = org.charrnn.model.kernel.KernelChoice.whyNoBf16();
        if (why != null) {
            throw new ConfigException(config.source() + ": model.precision: bf16 cannot run here: " + why + "; use f32");
        }
    }

    /**
     * Refuses, before anything is allocated, a model whose training cannot fit: in this machine's
     * memory, or in this process's heap when its size was set by hand (CHARRNN_HEAP) — with the
     * figures and the largest rnn_size that would fit.
     */
    static void requireFits(RunConfig config, int vocabulary) {
        MemoryEstimate need = estimate(config, config.model().rnnSize(), vocabulary);
        if (fits(need)) return;
        int fits = config.model().rnnSize();
        while (fits > 1 && !fits(estimate(config, fits, vocabulary))) fits = fits * 3 / 4;
        boolean heap = !MemoryEstimate.heapFits(need);
        throw new ConfigException(String.format(java.util.Locale.ROOT, "%s: model.num_layers %d × model.rnn_size %d has %,d"
                        + " parameters; training it at train.batch_size %d needs about %.1f GB (%.1f GB of Java heap, %.1f GB native)"
                        + " but %s; a model.rnn_size of %d fits (or lower train.batch_size)", config.source(),
                config.model().numLayers(), config.model().rnnSize(), need.parameters(), config.train().batchSize(),
                need.totalBytes() / 1e9, need.heapBytes() / 1e9, need.nativeBytes() / 1e9,
                heap ? String.format(java.util.Locale.ROOT, "this process's heap is %.1f GB (CHARRNN_HEAP sets it)", MemoryEstimate.heapCeiling() / 1e9)
                        : String.format(java.util.Locale.ROOT, "this machine has %.1f GB", MemoryEstimate.machineBytes() / 1e9), fits));
    }

    /** Whether training needing {@code need} fits the heap this process may have and the machine's memory. */
    static boolean fits(MemoryEstimate need) {
        return MemoryEstimate.heapFits(need) && MemoryEstimate.machineFits(need);
    }

    static MemoryEstimate estimate(RunConfig config, int rnnSize, int vocabulary) {
        org.charrnn.config.ModelConfig sized = config.model().resized(rnnSize, config.model().dropout());
        return MemoryEstimate.training(sized, config.train().optimization(), config.train().batchSize(), config.train().seqLength(),
                vocabulary, config.train().averageFrom() < 1);
    }
}
