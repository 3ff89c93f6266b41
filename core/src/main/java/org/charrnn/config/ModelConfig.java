package org.charrnn.config;

import static org.charrnn.config.Key.Fixed.ARCHITECTURE;
import static org.charrnn.config.Key.Fixed.TRAINING;

/** The network's shape. Two checkpoints with equal ModelConfigs have interchangeable weights. */
public record ModelConfig(
        @Setting(value = "lstm", fixed = ARCHITECTURE,
                help = "recurrent cell, char-rnn's three (rnn = vanilla tanh RNN)") Cell type,
        @Setting(value = "fused", fixed = ARCHITECTURE,
                help = "fused (ours: exact truncated BPTT, state carried across minibatches) or stock (DL4J's LSTM or"
                        + " SimpleRnn, state reset every minibatch; no stock gru), for comparison") Core core,
        @Setting(value = "128", min = 1, max = 65536, fixed = ARCHITECTURE, help = "hidden units per layer") int rnnSize,
        @Setting(value = "2", min = 1, max = 64, fixed = ARCHITECTURE, help = "stacked recurrent layers") int numLayers,
        @Setting(value = "as_set",
                help = "as_set: rnn_size and dropout as given; auto: rnn_size, dropout and where the schedule ends chosen when a"
                        + " budgeted run (train.max_time) starts, from this machine's measured pace: the widest model the budget trains"
                        + " for the epochs the recipes found best (the start report says what it chose and why)") Sizing size,
        @Setting(value = "0", min = 0, max = 1, maxOpen = true, fixed = TRAINING,
                help = "dropout between layers and before the output") double dropout,
        @Setting(value = "0", min = 0, max = 65536, fixed = ARCHITECTURE,
                help = "0 = one-hot input, else a learned embedding of this size") int embeddingSize,
        @Setting(value = "0.08", min = 0, minOpen = true, max = 10, fixed = TRAINING,
                help = "weights start uniform in [-r, r]") double initRange,
        @Setting(value = "1", min = -100, max = 100, fixed = TRAINING,
                help = "initial forget-gate bias (lstm)") double forgetBias,
        @Setting(value = "f32", fixed = TRAINING,
                help = "f32, or bf16: the recurrent layers' training products read bfloat16 copies of their operands (float32"
                        + " results, state and update; twice the products per second where the CPU has AVX512_BF16); auto: bf16"
                        + " where the CPU multiplies bfloat16 natively (AVX512_BF16, AMX), else f32 (a run records which)")
        Precision precision,
        @Setting(value = "false", fixed = ARCHITECTURE,
                help = "lstm, gru: layer normalisation (Ba et al. 2016) of the input-side and the recurrent pre-activations,"
                        + " each with its own learned gains, and of the lstm's cell state: more learned per update, for some more"
                        + " work per character")
        boolean layerNorm) {

    /** This shape with another width and dropout (the rest as it is). */
    public ModelConfig resized(int width, double newDropout) {
        return new ModelConfig(type, core, width, numLayers, size, newDropout, embeddingSize, initRange, forgetBias, precision, layerNorm);
    }

    public boolean autoSize() {
        return size == Sizing.AUTO;
    }

    /** model.type. */
    public enum Cell {
        LSTM, GRU, RNN;

        @Override public String toString() { return ConfigSchema.valueName(this); }
    }

    /** model.core. */
    public enum Core {
        FUSED, STOCK;

        @Override public String toString() { return ConfigSchema.valueName(this); }
    }

    /** model.size. */
    public enum Sizing {
        AS_SET, AUTO;

        @Override public String toString() { return ConfigSchema.valueName(this); }
    }

    /** model.precision. */
    public enum Precision {
        F32, BF16, AUTO;

        @Override public String toString() { return ConfigSchema.valueName(this); }
    }
}
