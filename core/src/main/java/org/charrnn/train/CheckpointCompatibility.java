package org.charrnn.train;

import org.charrnn.checkpoint.Checkpoint;
import org.charrnn.checkpoint.TrainingState;
import org.charrnn.config.ConfigException;
import org.charrnn.config.ConfigSchema;
import org.charrnn.config.Key;
import org.charrnn.config.ModelConfig;
import org.charrnn.config.RunConfig;
import org.charrnn.data.Corpus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a checkpoint fixes for a run that resumes it (exactly: the same model, data order, fixed keys
 * and text) or starts from its weights (the same model): a mismatch is refused, naming the key.
 */
final class CheckpointCompatibility {
    private CheckpointCompatibility() {}

    /**
     * What a checkpoint's run already chose under model.size: auto (its width, dropout and, resumed, where
     * its schedule ends — a lower train.max_epochs set now wins — said) and model.precision: auto is kept.
     * To train such a run past its end, resume with model.size: as_set and the checkpoint's values.
     */
    static RunConfig keptFromCheckpoint(RunConfig config, Checkpoint ckpt, boolean resume, TrainingEvents events) {
        if (config.model().precision() == ModelConfig.Precision.AUTO) config = config.with("model.precision=" + ckpt.config().model().precision());
        if (!config.model().autoSize()) return config;
        ModelConfig chosen = ckpt.config().model();
        int epochs = resume ? Math.min(config.train().maxEpochs(), ckpt.config().train().maxEpochs()) : config.train().maxEpochs();
        events.message(String.format(java.util.Locale.ROOT, "model.size auto: keeping the checkpoint's %d × %d, dropout %.2f,"
                + " train.max_epochs %d", chosen.numLayers(), chosen.rnnSize(), chosen.dropout(), epochs));
        return config.with("model.size=as_set", "model.rnn_size=" + chosen.rnnSize(), "model.dropout=" + chosen.dropout(),
                "train.max_epochs=" + epochs);
    }

    static void requireSameArchitecture(RunConfig config, Checkpoint ckpt, Path file) {
        List<String> diffs = new ArrayList<>();
        for (Key k : ConfigSchema.fixed(Key.Fixed.ARCHITECTURE)) {
            Object want = config.values().get(k.name());
            Object have = ckpt.config().values().get(k.name());
            if (!Objects.equals(want, have)) diffs.add(k.name() + " is " + want + " in " + config.source() + " but " + have + " in the checkpoint");
        }
        if (!diffs.isEmpty()) {
            throw new ConfigException("cannot use " + file + ": the model differs: " + String.join("; ", diffs));
        }
    }

    static void requireSameLayout(RunConfig config, Checkpoint ckpt, Path file) {
        List<String> diffs = new ArrayList<>();
        for (Key k : ConfigSchema.fixed(Key.Fixed.DATA_ORDER)) {
            compare(diffs, k.name(), config.values().get(k.name()), ckpt.config().values().get(k.name()));
        }
        if (!diffs.isEmpty()) {
            throw new ConfigException("cannot resume " + file + " exactly: " + String.join("; ", diffs)
                    + " (use --init-from to start a new run from its weights)");
        }
    }

    /**
     * Every key a checkpoint fixes (ConfigSchema: the optimizer and its settings, dropout, clipping,
     * ...) is what the checkpoint was trained with: a resume that changed one would record a config
     * the network does not follow, and would no longer continue exactly.
     */
    static void requireFixedKeysUnchanged(RunConfig config, Checkpoint ckpt, Path file) {
        List<String> diffs = new ArrayList<>();
        for (Key k : ConfigSchema.fixedByCheckpoint()) {
            compare(diffs, k.name(), config.values().get(k.name()), ckpt.config().values().get(k.name()));
        }
        if (!diffs.isEmpty()) {
            throw new ConfigException("cannot resume " + file + ": " + String.join("; ", diffs)
                    + "; a checkpoint fixes these keys (use --init-from to start a new run from its weights)");
        }
    }

    static void compare(List<String> diffs, String key, Object now, Object then) {
        if (!Objects.equals(now, then)) diffs.add(key + " is " + now + " now but " + then + " in the checkpoint");
    }

    /** A resume continues on the text the checkpoint trained on. */
    static void requireSameText(RunConfig config, Checkpoint ckpt, Path checkpoint, Corpus corpus) {
        String trainedOn = ckpt.state().textSha256();
        if (trainedOn != null && !trainedOn.equals(corpus.sha256())) {
            throw new ConfigException("cannot resume " + checkpoint + ": data.input " + config.data().inputShown() + " is not the text it was"
                    + " trained on (its characters differ; SHA-256 " + corpus.sha256().substring(0, 12) + "… vs "
                    + trainedOn.substring(0, 12) + "…); use --init-from to train on another text from its weights");
        }
    }

    /** ... cut into as many minibatches an epoch as when the checkpoint was made. */
    static void requireSameEpochLength(Checkpoint ckpt, Path checkpoint, int iterationsPerEpoch) {
        TrainingState s = ckpt.state();
        if (s.iterationsPerEpoch() != iterationsPerEpoch) {
            throw new ConfigException("cannot resume " + checkpoint + ": the training split now has "
                    + iterationsPerEpoch + " minibatches per epoch, the checkpoint was made with "
                    + s.iterationsPerEpoch() + " (different data.input or data.train_frac?)");
        }
    }
}
