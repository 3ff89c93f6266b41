package org.charrnn.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import org.charrnn.config.ConfigException;
import org.charrnn.config.ConfigLoader;
import org.charrnn.config.RunConfig;
import org.charrnn.data.Vocabulary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Loads checkpoints without trusting them: entry names are checked (no zip-slip), sizes are capped
 * while reading (no zip bomb), every entry must match the manifest's SHA-256 (a cut or flipped
 * file is caught even where the zip format would not notice), metadata is parsed as JSON/YAML only,
 * and DL4J is handed a fresh zip with just its three entries — never its preprocessor.bin, which
 * ModelSerializer would Java-deserialise.
 */
public final class CheckpointReader {
    private CheckpointReader() {}

    /** Reads the network and all metadata; {@code withUpdater} also restores the optimizer state. */
    public static Checkpoint read(Path file, boolean withUpdater) {
        Map<String, byte[]> entries = readEntries(file);
        String name = file.toString();
        if (!entries.containsKey(CheckpointFormat.MANIFEST)) {
            if (entries.containsKey(CheckpointFormat.DL4J_CONFIGURATION)) {
                throw new CheckpointException(name + ": a plain DL4J model without charrnn metadata (vocabulary, config,"
                        + " training state); it cannot be sampled, evaluated or resumed");
            }
            throw new CheckpointException(name + ": not a charrnn checkpoint (no " + CheckpointFormat.MANIFEST + ")");
        }
        Manifest manifest = parse(name, CheckpointFormat.MANIFEST, entries, Manifest.class);
        if (manifest.formatVersion() > CheckpointFormat.VERSION) {
            throw new CheckpointException(name + ": written by a newer charrnn (checkpoint format "
                    + manifest.formatVersion() + "); this version reads format " + CheckpointFormat.VERSION + " and older");
        }
        if (manifest.formatVersion() < 1 || manifest.sha256() == null) {
            throw new CheckpointException(name + ": damaged checkpoint manifest");
        }
        for (String required : List.of(CheckpointFormat.DL4J_CONFIGURATION, CheckpointFormat.DL4J_COEFFICIENTS,
                CheckpointFormat.VOCABULARY, CheckpointFormat.CONFIG, CheckpointFormat.STATE)) {
            if (!entries.containsKey(required)) throw new CheckpointException(name + ": damaged checkpoint: " + required + " is missing");
            if (!manifest.sha256().containsKey(required)) {
                throw new CheckpointException(name + ": damaged checkpoint: the manifest has no checksum for " + required);
            }
        }
        for (String entry : entries.keySet()) {
            if (!manifest.sha256().containsKey(entry) && !entry.equals(CheckpointFormat.MANIFEST)) {
                throw new CheckpointException(name + ": damaged checkpoint: the manifest has no checksum for " + entry);
            }
        }
        manifest.sha256().forEach((entry, expected) -> {
            byte[] bytes = entries.get(entry);
            if (bytes == null) throw new CheckpointException(name + ": damaged checkpoint: " + entry + " is missing");
            if (!CheckpointWriter.sha256(bytes).equals(expected)) {
                throw new CheckpointException(name + ": damaged checkpoint: " + entry + " fails its SHA-256 check");
            }
        });

        Vocabulary vocabulary = vocabulary(name, entries);
        String yaml = new String(entries.get(CheckpointFormat.CONFIG), StandardCharsets.UTF_8);
        RunConfig config;
        try {
            config = ConfigLoader.parse(yaml, name + "!" + CheckpointFormat.CONFIG, "checkpoint", List.of());
        } catch (ConfigException e) {
            throw new CheckpointException(name + ": its stored config is not valid here: " + e.getMessage());
        }
        TrainingState state = parse(name, CheckpointFormat.STATE, entries, TrainingState.class);
        ComputationGraph graph = network(name, entries, withUpdater);
        CheckpointValidator.validate(name, graph, vocabulary, config, state);
        INDArray mean = null;
        byte[] trainingWeights = entries.get(CheckpointFormat.TRAINING_WEIGHTS);
        if ((trainingWeights != null) != (state.averagedUpdates() > 0)) {
            throw new CheckpointException(name + ": damaged checkpoint: " + CheckpointFormat.STATE + " and "
                    + CheckpointFormat.TRAINING_WEIGHTS + " disagree on whether its weights are an average");
        }
        if (trainingWeights != null && withUpdater) {
            // to continue training: the weights training left off with, and the mean of them beside
            mean = graph.params().dup();
            graph.params().assign(array(name, trainingWeights, graph));
        }
        return new Checkpoint(graph, vocabulary, config, state, manifest.core(), manifest.formatVersion(), mean);
    }

    /** A checkpoint's config and vocabulary size, read without its network (to plan memory before ND4J loads). */
    public record Facts(RunConfig config, int vocabulary) {}

    /** The config and vocabulary size of a checkpoint, or null when they cannot be read (read() then says why). */
    public static Facts facts(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry config = zip.getEntry(CheckpointFormat.CONFIG);
            ZipEntry vocabulary = zip.getEntry(CheckpointFormat.VOCABULARY);
            if (config == null || vocabulary == null || config.getSize() > CheckpointFormat.MAX_METADATA_BYTES
                    || vocabulary.getSize() > CheckpointFormat.MAX_METADATA_BYTES) {
                return null;
            }
            String yaml;
            JsonNode codePoints;
            try (InputStream c = zip.getInputStream(config); InputStream v = zip.getInputStream(vocabulary)) {
                yaml = new String(c.readAllBytes(), StandardCharsets.UTF_8);
                codePoints = Json.MAPPER.readTree(v).get("code_points");
            }
            if (codePoints == null || !codePoints.isArray()) return null;
            return new Facts(ConfigLoader.parse(yaml, file + "!" + CheckpointFormat.CONFIG, "checkpoint", List.of()), codePoints.size());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Map<String, byte[]> readEntries(Path file) {
        String name = file.toString();
        if (!Files.exists(file)) throw new CheckpointException(RunDirectory.notFound(file));
        if (Files.isDirectory(file)) throw new CheckpointException(name + ": is a directory, not a checkpoint file");
        if (!Files.isReadable(file)) throw new CheckpointException(name + ": permission denied");
        try {
            if (Files.size(file) == 0) throw new CheckpointException(name + ": empty file, not a checkpoint");
        } catch (IOException e) {
            throw new CheckpointException(name + ": cannot read (" + e.getMessage() + ")");
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                String entry = e.getName();
                if (entry.startsWith("/") || entry.contains("..") || entry.contains("\\")) {
                    throw new CheckpointException(name + ": refused: suspicious entry name '" + entry + "' (path traversal)");
                }
                boolean ours = entry.startsWith("charrnn/");
                if (!ours && !CheckpointFormat.DL4J_ENTRIES.contains(entry)) continue; // never read, never passed on
                long limit = CheckpointFormat.limitFor(entry);
                if (e.getSize() > limit) {
                    throw new CheckpointException(name + ": refused: entry " + entry + " declares " + e.getSize()
                            + " bytes, over the " + limit + "-byte limit (zip bomb?)");
                }
                try (InputStream in = zip.getInputStream(e)) {
                    entries.put(entry, readCapped(in, limit, e.getCompressedSize(), name, entry));
                }
            }
        } catch (ZipException e) {
            throw new CheckpointException(name + ": not a checkpoint (not a zip archive, or truncated/damaged)");
        } catch (IOException e) {
            throw new CheckpointException(name + ": damaged checkpoint (" + e.getMessage() + ")");
        }
        return entries;
    }

    private static byte[] readCapped(InputStream in, long limit, long compressed, String name, String entry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > limit) {
                throw new CheckpointException(name + ": refused: entry " + entry + " inflates past the "
                        + limit + "-byte limit (zip bomb?)");
            }
            if (compressed > 0 && total > (1 << 20) && total > CheckpointFormat.MAX_RATIO * compressed) {
                throw new CheckpointException(name + ": refused: entry " + entry + " inflates over "
                        + CheckpointFormat.MAX_RATIO + " times its compressed size of " + compressed + " bytes (zip bomb?)");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static <T> T parse(String name, String entry, Map<String, byte[]> entries, Class<T> type) {
        try {
            T value = Json.MAPPER.readValue(entries.get(entry), type);
            if (value == null) throw new IOException("empty");
            return value;
        } catch (IOException e) {
            throw new CheckpointException(name + ": damaged checkpoint: " + entry + " is not valid JSON of the expected form");
        }
    }

    private static Vocabulary vocabulary(String name, Map<String, byte[]> entries) {
        try {
            JsonNode node = Json.MAPPER.readTree(entries.get(CheckpointFormat.VOCABULARY)).get("code_points");
            if (node == null || !node.isArray()) throw new IOException("no code_points");
            int[] cps = new int[node.size()];
            for (int i = 0; i < cps.length; i++) {
                if (!node.get(i).isInt()) throw new IOException("not a code point");
                cps[i] = node.get(i).asInt();
                // Written sorted, each a character of UTF-8 text: anything else would map indices to other characters.
                if (i > 0 && cps[i] <= cps[i - 1]) throw new IOException("code points out of order");
                if (cps[i] >= Character.MIN_SURROGATE && cps[i] <= Character.MAX_SURROGATE) throw new IOException("a lone surrogate");
            }
            JsonNode symbols = Json.MAPPER.readTree(entries.get(CheckpointFormat.VOCABULARY)).get("symbols");
            if (symbols != null) {
                if (!symbols.isArray() || symbols.size() != cps.length) throw new IOException("symbols disagree with code points");
                for (int i = 0; i < cps.length; i++) {
                    if (!symbols.get(i).isTextual() || !symbols.get(i).asText().equals(Character.toString(cps[i]))) {
                        throw new IOException("symbols disagree with code points");
                    }
                }
            }
            return new Vocabulary(cps);
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(name + ": damaged checkpoint: " + CheckpointFormat.VOCABULARY + " is not a valid vocabulary");
        }
    }

    private static ComputationGraph network(String name, Map<String, byte[]> entries, boolean withUpdater) {
        ByteArrayOutputStream clean = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(clean)) {
            for (String entry : CheckpointFormat.DL4J_ENTRIES) {
                byte[] bytes = entries.get(entry);
                if (bytes == null) continue;
                if (entry.equals(CheckpointFormat.DL4J_CONFIGURATION)) bytes = CheckpointFormat.renameLegacyClasses(bytes);
                zip.putNextEntry(new ZipEntry(entry));
                zip.write(bytes);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(clean.toByteArray()),
                    withUpdater && entries.containsKey(CheckpointFormat.DL4J_UPDATER));
        } catch (Exception | NoClassDefFoundError e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof java.io.EOFException) {
                    throw new CheckpointException(name + ": damaged checkpoint: its network (" + CheckpointFormat.DL4J_COEFFICIENTS
                            + " or " + CheckpointFormat.DL4J_UPDATER + ") is cut short", e);
                }
            }
            throw new CheckpointException(name + ": the network in this checkpoint cannot be loaded ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())) + ")", e);
        }
    }

    /** The training weights beside an averaged network: an array of the network's parameter count. */
    private static INDArray array(String name, byte[] bytes, ComputationGraph graph) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            INDArray a = Nd4j.read(in);
            if (a.length() != graph.numParams() || !Double.isFinite(a.sumNumber().doubleValue())) throw new IOException("not the weights");
            return a;
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(name + ": damaged checkpoint: " + CheckpointFormat.TRAINING_WEIGHTS
                    + " is not an array of the network's " + graph.numParams() + " finite parameters");
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
