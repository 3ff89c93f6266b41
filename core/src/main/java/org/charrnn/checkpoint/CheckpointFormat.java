package org.charrnn.checkpoint;

import java.util.Set;

/** Names and limits of the checkpoint zip: DL4J's ModelSerializer entries plus ours under charrnn/. */
final class CheckpointFormat {
    static final int VERSION = 1;

    static final String DL4J_CONFIGURATION = "configuration.json";
    static final String DL4J_COEFFICIENTS = "coefficients.bin";
    static final String DL4J_UPDATER = "updaterState.bin";
    /** The only DL4J entries we pass to ModelSerializer: its preprocessor.bin would be Java-deserialised. */
    static final Set<String> DL4J_ENTRIES = Set.of(DL4J_CONFIGURATION, DL4J_COEFFICIENTS, DL4J_UPDATER);

    static final String MANIFEST = "charrnn/manifest.json";
    static final String VOCABULARY = "charrnn/vocabulary.json";
    static final String CONFIG = "charrnn/config.yaml";
    static final String STATE = "charrnn/state.json";
    /**
     * The weights training continues from, when the network's coefficients are an average of them
     * (train.average_from): an ND4J array in its binary form, read only to resume.
     */
    static final String TRAINING_WEIGHTS = "charrnn/training-weights.bin";

    /** Our JSON/YAML entries are small; anything larger is refused unread. */
    static final long MAX_METADATA_BYTES = 64L << 20;
    /** Network entries: far beyond any model this tool trains, well short of exhausting memory. */
    static final long MAX_NETWORK_BYTES = 1L << 31;

    /**
     * Layer configuration classes that were renamed or moved since a checkpoint could have been
     * written: DL4J's network configuration names them by class, so an older checkpoint is read with
     * today's names. (The LSTM moved into a package of its own when the GRU and RNN joined it; the
     * "Fused*" configurations became "*LayerConfig" when the model package was laid out by role.)
     */
    private static final java.util.Map<String, String> MOVED_CLASSES = java.util.Map.of(
            "\"org.charrnn.model.FusedLstm\"", "\"org.charrnn.model.lstm.LstmLayerConfig\"",
            "\"org.charrnn.model.lstm.FusedLstm\"", "\"org.charrnn.model.lstm.LstmLayerConfig\"",
            "\"org.charrnn.model.gru.FusedGru\"", "\"org.charrnn.model.gru.GruLayerConfig\"",
            "\"org.charrnn.model.rnn.FusedRnn\"", "\"org.charrnn.model.rnn.RnnLayerConfig\"",
            "\"org.charrnn.model.output.FusedOutput\"", "\"org.charrnn.model.output.SoftmaxOutputConfig\"");

    private CheckpointFormat() {}

    static byte[] renameLegacyClasses(byte[] configurationJson) {
        String json = new String(configurationJson, java.nio.charset.StandardCharsets.UTF_8);
        String renamed = json;
        for (java.util.Map.Entry<String, String> e : MOVED_CLASSES.entrySet()) renamed = renamed.replace(e.getKey(), e.getValue());
        return renamed.equals(json) ? configurationJson : renamed.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * An entry may inflate at most this much: our metadata is small; a network entry is read into the
     * heap and then copied off-heap, so it may take at most a third of the heap this process has.
     */
    static long limitFor(String entry) {
        return entry.startsWith("charrnn/") && !entry.equals(TRAINING_WEIGHTS) ? MAX_METADATA_BYTES
                : Math.min(MAX_NETWORK_BYTES, Runtime.getRuntime().maxMemory() / 3);
    }

    /**
     * Weights are float32 noise to a compressor (they deflate to ~90 %), JSON and YAML to ~10 %: an
     * entry that inflates over 200 times its compressed size, past a megabyte, is not a checkpoint's.
     */
    static final long MAX_RATIO = 200;
}
