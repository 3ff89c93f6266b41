package org.charrnn.checkpoint;

import org.charrnn.data.Vocabulary;
import org.charrnn.files.AtomicFiles;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
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
     * The checkpoint as zip bytes (tests read and damage them). When the graph's weights are an average,
     * {@code trainingWeights} (what its training continues from) are kept beside them for a resume; null:
     * the graph's weights are the training weights.
     */
    public byte[] encode(ComputationGraph graph, Vocabulary vocabulary, String configYaml, TrainingState state, String core,
                         INDArray trainingWeights) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeZip(out, graph, vocabulary, configYaml, state, core, trainingWeights);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes encoded checkpoint bytes atomically; an I/O failure leaves {@code target} as it was. */
    public void write(Path target, byte[] checkpoint) {
        write(target, out -> out.write(checkpoint));
    }

    /**
     * Writes the checkpoint atomically, streamed to the file: the weights go from ND4J's arrays through
     * the zip to the disk, never whole in the heap (a copy of a copy of every array before).
     */
    public void write(Path target, ComputationGraph graph, Vocabulary vocabulary, String configYaml, TrainingState state, String core,
                      INDArray trainingWeights) {
        write(target, out -> writeZip(out, graph, vocabulary, configYaml, state, core, trainingWeights));
    }

    /** Gives {@code target} the checkpoint written to {@code written} (a hard link where the file system has them). */
    public void link(Path written, Path target) {
        try {
            files.link(written, target);
        } catch (IOException e) {
            throw new CheckpointException("cannot write checkpoint " + target + ": " + org.charrnn.files.FileProblems.why(e, target)
                    + "; earlier checkpoints are untouched", e);
        }
    }

    private void write(Path target, AtomicFiles.Content content) {
        try {
            files.write(target, content);
        } catch (IOException e) {
            throw new CheckpointException("cannot write checkpoint " + target + ": " + org.charrnn.files.FileProblems.why(e, target)
                    + "; earlier checkpoints are untouched", e);
        }
    }

    /**
     * ModelSerializer's entries as it writes them (its configuration JSON, coefficients and updater state
     * through Nd4j.write), then ours, each entry's SHA-256 taken as it streams past, and the manifest of
     * them last. The arrays go uncompressed (floats hardly compress, and deflating them cost more than
     * writing them), the text entries compressed.
     */
    private static void writeZip(OutputStream sink, ComputationGraph graph, Vocabulary vocabulary, String configYaml,
                                 TrainingState state, String core, INDArray trainingWeights) throws IOException {
        Map<String, String> sums = new LinkedHashMap<>();
        ZipOutputStream zip = new ZipOutputStream(sink);
        text(zip, sums, CheckpointFormat.DL4J_CONFIGURATION, graph.getConfiguration().toJson().getBytes(StandardCharsets.UTF_8));
        array(zip, sums, CheckpointFormat.DL4J_COEFFICIENTS, graph.params());
        INDArray updater = graph.getUpdater() == null ? null : graph.getUpdater().getStateViewArray();
        if (updater != null && updater.length() > 0) array(zip, sums, CheckpointFormat.DL4J_UPDATER, updater);
        if (trainingWeights != null) array(zip, sums, CheckpointFormat.TRAINING_WEIGHTS, trainingWeights);
        text(zip, sums, CheckpointFormat.VOCABULARY, Json.MAPPER.writeValueAsBytes(
                Map.of("code_points", vocabulary.codePoints(), "symbols", vocabulary.symbols())));
        text(zip, sums, CheckpointFormat.CONFIG, configYaml.getBytes(StandardCharsets.UTF_8));
        text(zip, sums, CheckpointFormat.STATE, Json.MAPPER.writeValueAsBytes(state));
        Manifest manifest = new Manifest(CheckpointFormat.VERSION, core, Instant.now().toString(), sums);
        zip.setLevel(Deflater.BEST_SPEED);
        zip.putNextEntry(new ZipEntry(CheckpointFormat.MANIFEST));
        zip.write(Json.MAPPER.writeValueAsBytes(manifest));
        zip.closeEntry();
        zip.finish();
    }

    private static void text(ZipOutputStream zip, Map<String, String> sums, String name, byte[] bytes) throws IOException {
        zip.setLevel(Deflater.BEST_SPEED);
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
        sums.put(name, sha256(bytes));
    }

    private static void array(ZipOutputStream zip, Map<String, String> sums, String name, INDArray array) throws IOException {
        zip.setLevel(Deflater.NO_COMPRESSION);
        zip.putNextEntry(new ZipEntry(name));
        MessageDigest digest = sha256();
        DataOutputStream data = new DataOutputStream(new java.io.BufferedOutputStream(
                new DigestOutputStream(new NotClosing(zip), digest), 1 << 16));
        Nd4j.write(array, data);
        data.flush();
        zip.closeEntry();
        sums.put(name, HexFormat.of().formatHex(digest.digest()));
    }

    /** The zip's stream for one entry: closing what wraps it must not close the zip. */
    private static final class NotClosing extends java.io.FilterOutputStream {
        NotClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() {
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }
}
