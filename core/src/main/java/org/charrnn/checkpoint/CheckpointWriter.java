package org.charrnn.checkpoint;

import org.charrnn.data.Vocabulary;
import org.charrnn.files.AtomicFiles;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Writes checkpoints: ModelSerializer's entries (so plain DL4J can load the network) plus ours —
 * vocabulary, resolved config and training state as JSON/YAML, and a manifest with a SHA-256 of
 * every entry — in one zip, written atomically. Never Java serialization, never an in-place rewrite.
 */
public final class CheckpointWriter {
    private final AtomicFiles files;

    public CheckpointWriter() {
        this(new AtomicFiles(AtomicFiles.DEFAULT));
    }

    public CheckpointWriter(AtomicFiles files) {
        this.files = files;
    }

    /**
     * The checkpoint as zip bytes, ready to be written under one or more names. When the graph's
     * weights are an average, {@code trainingWeights} (what its training continues from) are kept
     * beside them for a resume; null: the graph's weights are the training weights.
     */
    public byte[] encode(ComputationGraph graph, Vocabulary vocabulary, String configYaml, TrainingState state, String core,
                         INDArray trainingWeights) {
        try {
            Map<String, byte[]> entries = new LinkedHashMap<>(dl4jEntries(graph));
            if (trainingWeights != null) entries.put(CheckpointFormat.TRAINING_WEIGHTS, binary(trainingWeights));
            entries.put(CheckpointFormat.VOCABULARY, Json.MAPPER.writeValueAsBytes(
                    Map.of("code_points", vocabulary.codePoints(), "symbols", vocabulary.symbols())));
            entries.put(CheckpointFormat.CONFIG, configYaml.getBytes(StandardCharsets.UTF_8));
            entries.put(CheckpointFormat.STATE, Json.MAPPER.writeValueAsBytes(state));
            Map<String, String> sums = new LinkedHashMap<>();
            entries.forEach((name, bytes) -> sums.put(name, sha256(bytes)));
            Manifest manifest = new Manifest(CheckpointFormat.VERSION, core, Instant.now().toString(), sums);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.setLevel(Deflater.BEST_SPEED);
                put(zip, CheckpointFormat.MANIFEST, Json.MAPPER.writeValueAsBytes(manifest));
                for (Map.Entry<String, byte[]> e : entries.entrySet()) put(zip, e.getKey(), e.getValue());
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes encoded checkpoint bytes atomically; an I/O failure leaves {@code target} as it was. */
    public void write(Path target, byte[] checkpoint) {
        try {
            files.write(target, checkpoint);
        } catch (IOException e) {
            throw new CheckpointException("cannot write checkpoint " + target + ": " + org.charrnn.files.FileProblems.why(e, target)
                    + "; earlier checkpoints are untouched", e);
        }
    }

    private static Map<String, byte[]> dl4jEntries(ComputationGraph graph) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        ModelSerializer.writeModel(graph, raw, true);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(raw.toByteArray()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (CheckpointFormat.DL4J_ENTRIES.contains(e.getName())) entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static byte[] binary(INDArray array) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out)) {
            Nd4j.write(array, data);
        }
        return out.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
