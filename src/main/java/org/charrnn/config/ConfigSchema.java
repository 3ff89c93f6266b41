package org.charrnn.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key a config file may hold, with char-rnn's defaults and names (rnn_size, seq_length,
 * learning_rate_decay_after, decay_rate, grad_clip, ...). Sections are the part before the dot.
 */
public final class ConfigSchema {
    private static final long BIG = Integer.MAX_VALUE;
    private static final double INF = Double.POSITIVE_INFINITY;

    public static final List<Key> KEYS = List.of(
            Key.string("name", "", "run name; default: the config file's name"),

            Key.path("data.input", "data/tinyshakespeare/input.txt", "UTF-8 text file to train on"),
            Key.string("data.download_url", "", "where to fetch data.input from when it is missing"),
            Key.string("data.sha256", "", "expected SHA-256 of the downloaded file"),
            Key.real("data.train_frac", 0.95, 0, false, 1, true, "fraction of the text used for training").fixed(),
            Key.real("data.val_frac", 0.05, 0, true, 1, false, "fraction used for validation (test = rest)").fixed(),

            Key.choice("model.type", "lstm", List.of("lstm", "gru", "rnn"), "recurrent cell (rnn = vanilla tanh RNN)").fixed(),
            Key.choice("model.core", "fused", List.of("fused", "stock"),
                    "fused (ours: exact truncated BPTT, state carried across minibatches) or stock (DL4J's LSTM or"
                            + " SimpleRnn, state reset every minibatch; no stock gru)").fixed(),
            Key.integer("model.rnn_size", 128, 1, 65536, "hidden units per layer").fixed(),
            Key.integer("model.num_layers", 2, 1, 64, "stacked recurrent layers").fixed(),
            Key.real("model.dropout", 0, 0, true, 1, false, "dropout between layers and before the output").fixed(),
            Key.integer("model.embedding_size", 0, 0, 65536, "0 = one-hot input, else a learned embedding of this size").fixed(),
            Key.real("model.init_range", 0.08, 0, false, 10, true, "weights start uniform in [-r, r]").fixed(),
            Key.real("model.forget_bias", 1.0, -100, true, 100, true, "initial forget-gate bias (lstm)").fixed(),

            Key.integer("train.batch_size", 50, 1, 1_000_000, "parallel streams per minibatch").fixed(),
            Key.integer("train.seq_length", 50, 1, 1_000_000, "time steps per truncated-BPTT segment").fixed(),
            Key.integer("train.max_epochs", 50, 1, BIG, "passes over the training text"),
            Key.choice("train.optimizer", "rmsprop", List.of("rmsprop", "adam", "adagrad", "sgd"), "optimizer").fixed(),
            Key.real("train.learning_rate", 2e-3, 0, false, 100, true, "initial learning rate"),
            Key.real("train.learning_rate_decay", 0.97, 0, false, 1, true, "multiply the rate by this every epoch ..."),
            Key.real("train.learning_rate_decay_after", 10, 0, true, INF, false, "... once this many epochs are done"),
            Key.choice("train.lr_schedule", "step", List.of("step", "cosine", "linear"),
                    "step: char-rnn's decay above; cosine or linear: from learning_rate down to the end of the run"),
            Key.integer("train.warmup", 0, 0, BIG, "iterations over which the rate rises linearly to learning_rate"),
            Key.real("train.final_lr_frac", 0.1, 0, true, 1, true, "where cosine and linear end, as a fraction of learning_rate"),
            Key.duration("train.max_time", "wall-clock budget for training (10m, 2h, 90s); at it the run validates, saves and stops"),
            Key.integer("train.patience", 0, 0, BIG, "stop after this many validations without a new best; 0 = never"),
            Key.real("train.decay_rate", 0.95, 0, false, 1, false, "rmsprop's moving-average decay").fixed(),
            Key.real("train.grad_clip", 5, 0, true, INF, false, "clip each gradient element to [-c, c]; 0 = off").fixed(),
            Key.integer("train.seed", 123, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4, "random seed").fixed(),
            Key.integer("train.eval_val_every", 1000, 1, BIG, "validate and checkpoint every N iterations"),
            Key.integer("train.print_every", 1, 1, BIG, "progress line every N iterations"),
            Key.path("train.checkpoint_dir", "", "where checkpoints go; default models/<name>"),
            Key.string("train.savefile", "lstm", "checkpoint names: lm_<savefile>_epoch<e>_<loss>.zip"),
            Key.integer("train.keep", 5, 0, BIG, "named checkpoints kept besides best and last"),

            Key.integer("sample.every", 1000, 0, BIG, "write a sample to samples.txt every N iterations; 0 = never"),
            Key.integer("sample.length", 200, 1, 100_000, "characters per sample during training"),
            Key.real("sample.temperature", 0.8, 0, false, 100, true, "temperature of those samples"),
            Key.string("sample.prime", "", "text the samples start from; empty = a random first character")
    );

    private static final Map<String, Key> BY_NAME = new LinkedHashMap<>();
    static {
        for (Key k : KEYS) BY_NAME.put(k.name(), k);
    }

    private ConfigSchema() {}

    public static Key get(String name) {
        return BY_NAME.get(name);
    }

    /** The keys a checkpoint fixes: a resume refuses to change them. */
    public static List<Key> fixedByCheckpoint() {
        return KEYS.stream().filter(Key::fixedByCheckpoint).toList();
    }

    public static boolean isSection(String name) {
        return KEYS.stream().anyMatch(k -> k.name().startsWith(name + "."));
    }
}
