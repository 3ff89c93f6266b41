package org.charrnn.checkpoint;

import org.charrnn.files.AtomicFiles;
import org.charrnn.config.RunConfig;
import org.charrnn.data.Vocabulary;
import org.charrnn.model.layer.CarriedState;
import org.charrnn.model.GraphFactory;
import org.charrnn.testing.TestTexts;
import org.charrnn.train.CheckpointStore;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointFilesTest {
    @TempDir
    Path tmp;
    private ComputationGraph graph;
    private Vocabulary vocab;
    private RunConfig config;
    private TrainingState state;

    @BeforeEach
    void setUp() {
        vocab = Vocabulary.ofText("abcdefgh \n");
        config = TestTexts.smallConfig(tmp.resolve("t.txt"), tmp.resolve("ck"), "model.rnn_size=8");
        graph = GraphFactory.build(config.model(), config.train().optimization(), vocab.size());
        float[] h = Nd4j.rand(8, 8).data().asFloat();
        float[] c = Nd4j.rand(8, 8).data().asFloat();
        state = new TrainingState(12, 40, 1e-3, 123, 2.3, Map.of("rnn0", new CarriedState.Layer(8, 8, h, c)),
                List.of(2.3f, 2.2f), List.of(new TrainingState.Validation(12, 0.3, 2.1, 2.25)), null);
    }

    private byte[] encoded() {
        return new CheckpointWriter().encode(graph, vocab, config.toYaml(), state, "fused", null);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    private String error(Path p) {
        return assertThrows(CheckpointException.class, () -> CheckpointReader.read(p, true)).getMessage();
    }

    @Test
    void roundTripGivesTheSameNetworkAndMetadata() throws IOException {
        Path p = write("c.zip", encoded());
        Checkpoint c = CheckpointReader.read(p, true);
        INDArray x = Nd4j.rand(new long[]{2, vocab.size(), 5});
        assertEquals(graph.outputSingle(x), c.graph().outputSingle(x));
        assertEquals(graph.params(), c.graph().params());
        assertEquals(graph.getUpdater().getStateViewArray(), c.graph().getUpdater().getStateViewArray());
        assertEquals(vocab, c.vocabulary());
        assertEquals(config.values(), c.config().values());
        assertEquals(state, c.state());
        assertEquals("fused", c.core());
        CarriedState.Layer hc = c.state().carried().get("rnn0");
        assertEquals(64, hc.h().length);
        assertEquals(64, hc.c().length);
    }

    @Test
    void plainDl4jLoadsOurCheckpoint() throws IOException {
        Path p = write("c.zip", encoded());
        ComputationGraph plain = ModelSerializer.restoreComputationGraph(p.toFile(), true);
        INDArray x = Nd4j.rand(new long[]{1, vocab.size(), 3});
        assertEquals(graph.outputSingle(x), plain.outputSingle(x));
    }

    @Test
    void namesFollowCharRnnAndRetentionKeepsTheNewest() {
        assertEquals("lm_lstm_epoch0.95_2.0681.zip", CheckpointStore.fileName("lstm", 0.954, 2.06812));
        CheckpointStore store = new CheckpointStore(tmp.resolve("run"), "lstm", 2, new CheckpointWriter());
        for (int i = 1; i <= 4; i++) {
            TrainingState s = new TrainingState(i * 10, 40, 1e-3, 1, 2, Map.of(), List.of(), List.of(), null);
            store.save(graph, null, vocab, config.toYaml(), s, "fused", 3.0 - i * 0.1, i == 2);
        }
        List<String> names = new ArrayList<>();
        store.namedCheckpoints().forEach(p -> names.add(p.getFileName().toString()));
        assertEquals(List.of("lm_lstm_epoch0.75_2.7000.zip", "lm_lstm_epoch1.00_2.6000.zip"), names);
        assertEquals(20, CheckpointReader.read(tmp.resolve("run/best.zip"), false).state().iteration());
        assertEquals(40, CheckpointReader.read(tmp.resolve("run/last.zip"), false).state().iteration());
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoPartialOne() throws IOException {
        Path target = write("last.zip", encoded());
        byte[] before = Files.readAllBytes(target);
        AtomicFiles failing = new AtomicFiles(path -> new FilterOutputStream(Files.newOutputStream(path)) {
            private int written;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if ((written += len) > 1000) throw new IOException("No space left on device");
                out.write(b, off, len);
            }
        });
        state = new TrainingState(99, 40, 1e-3, 1, 2, Map.of(), List.of(), List.of(), null);
        CheckpointWriter writer = new CheckpointWriter(failing);
        String m = assertThrows(CheckpointException.class, () -> writer.write(target, encoded())).getMessage();
        assertEquals("cannot write checkpoint " + target + ": the disk is full; earlier checkpoints are untouched", m);
        assertArrayEquals(before, Files.readAllBytes(target));
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("last.zip"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void damagedFilesAreRefusedWithOneLine() throws IOException {
        byte[] good = encoded();
        Path p = tmp.resolve("x.zip");
        assertEquals(p + ": checkpoint not found", error(p));
        Files.write(p, new byte[0]);
        assertEquals(p + ": empty file, not a checkpoint", error(p));
        Files.write(p, Arrays.copyOf(good, good.length / 2));
        assertEquals(p + ": not a checkpoint (not a zip archive, or truncated/damaged)", error(p));
        Files.write(p, Arrays.copyOf(good, good.length - 100));
        assertEquals(p + ": not a checkpoint (not a zip archive, or truncated/damaged)", error(p));
        byte[] random = new byte[5000];
        new java.util.Random(1).nextBytes(random);
        Files.write(p, random);
        assertEquals(p + ": not a checkpoint (not a zip archive, or truncated/damaged)", error(p));
        assertEquals(tmp + ": is a directory, not a checkpoint file", error(tmp));
    }

    @Test
    void aFlippedByteInsideAnEntryFailsItsChecksum() throws IOException {
        // Rewrite the zip with one parameter byte changed but valid zip framing: only our checksum notices.
        Map<String, byte[]> entries = CheckpointZips.entries(encoded());
        byte[] coefficients = entries.get("coefficients.bin");
        coefficients[coefficients.length - 3] ^= 0x40;
        Path p = write("x.zip", CheckpointZips.zip(entries));
        assertEquals(p + ": damaged checkpoint: coefficients.bin fails its SHA-256 check", error(p));
    }

    @Test
    void plainDl4jModelFutureFormatAndBadMetadataAreNamed() throws IOException {
        Path plain = tmp.resolve("plain.zip");
        ModelSerializer.writeModel(graph, plain.toFile(), true);
        assertEquals(plain + ": a plain DL4J model without charrnn metadata (vocabulary, config, training state);"
                + " it cannot be sampled, evaluated or resumed", error(plain));

        Map<String, byte[]> future = CheckpointZips.entries(encoded());
        future.put("charrnn/manifest.json", new String(future.get("charrnn/manifest.json"), StandardCharsets.UTF_8)
                .replace("\"format_version\" : 1", "\"format_version\" : 7").getBytes(StandardCharsets.UTF_8));
        Path f = write("future.zip", CheckpointZips.zip(future));
        assertEquals(f + ": written by a newer charrnn (checkpoint format 7); this version reads format 1 and older", error(f));
    }

    @Test
    void javaSerializedMetadataIsRefusedNotDeserialised() throws IOException {
        Map<String, byte[]> e = CheckpointZips.entries(encoded());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(new java.util.HashMap<>(Map.of("iteration", 5)));
        }
        e.put("charrnn/state.json", bytes.toByteArray());
        CheckpointZips.resign(e);
        Path p = write("ser.zip", CheckpointZips.zip(e));
        assertEquals(p + ": damaged checkpoint: charrnn/state.json is not valid JSON of the expected form", error(p));
    }

    @Test
    void dl4jsPreprocessorEntryIsNeverHandedToModelSerializer() throws IOException {
        Map<String, byte[]> e = CheckpointZips.entries(encoded());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject("not a preprocessor: ModelSerializer would cast this and fail");
        }
        e.put("preprocessor.bin", bytes.toByteArray());
        Path p = write("pre.zip", CheckpointZips.zip(e));
        assertEquals(graph.params(), CheckpointReader.read(p, false).graph().params());
    }

    @Test
    void zipBombAndZipSlipAreRefused() throws IOException {
        Map<String, byte[]> bomb = CheckpointZips.entries(encoded());
        bomb.put("charrnn/state.json", new byte[(int) CheckpointFormat.MAX_METADATA_BYTES + 1]);
        Path b = write("bomb.zip", CheckpointZips.zip(bomb));
        assertTrue(Files.size(b) < 2_000_000, "compresses small");
        String m = error(b);
        assertTrue(m.startsWith(b + ": refused: entry charrnn/state.json ") && m.endsWith("(zip bomb?)"), m);

        // A network entry of 64 MiB of zeros, under every size cap, deflates to ~64 KB: refused before it is inflated whole.
        Map<String, byte[]> zeros = CheckpointZips.entries(encoded());
        zeros.put(CheckpointFormat.DL4J_COEFFICIENTS, new byte[64 << 20]);
        Path z = write("zeros.zip", CheckpointZips.zip(zeros));
        String mz = error(z);
        assertTrue(mz.startsWith(z + ": refused: entry " + CheckpointFormat.DL4J_COEFFICIENTS + " inflates over 200 times its"
                + " compressed size") && mz.endsWith("(zip bomb?)"), mz);

        Map<String, byte[]> slip = CheckpointZips.entries(encoded());
        slip.put("../../etc/evil", new byte[]{1});
        Path s = write("slip.zip", CheckpointZips.zip(slip));
        assertEquals(s + ": refused: suspicious entry name '../../etc/evil' (path traversal)", error(s));
    }

    /**
     * Checkpoints written before our classes were renamed name them by their old names in DL4J's
     * configuration: they still load (the LSTM's two earlier names, and the output layer's).
     */
    @ParameterizedTest
    @ValueSource(strings = {"org.charrnn.model.FusedLstm", "org.charrnn.model.lstm.FusedLstm"})
    void aCheckpointNamingOurLayersByTheirOldClassesStillLoads(String oldLstm) throws IOException {
        Map<String, byte[]> e = CheckpointZips.entries(encoded());
        String json = new String(e.get(CheckpointFormat.DL4J_CONFIGURATION), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"org.charrnn.model.lstm.LstmLayerConfig\""), "the configuration names the layer class");
        e.put(CheckpointFormat.DL4J_CONFIGURATION, json.replace("org.charrnn.model.lstm.LstmLayerConfig", oldLstm)
                .replace("org.charrnn.model.output.SoftmaxOutputConfig", "org.charrnn.model.output.FusedOutput")
                .getBytes(StandardCharsets.UTF_8));
        CheckpointZips.resign(e);
        Path old = write("old.zip", CheckpointZips.zip(e));
        Checkpoint c = CheckpointReader.read(old, true);
        assertEquals(graph.params(), c.graph().params());
        assertNotNull(c.state().carried().get("rnn0").c(), "h and c carried");
    }

    /** Every old name maps to a class that exists today (the GRU's and RNN's too). */
    @Test
    void everyRenamedLayerClassStillExists() {
        byte[] renamed = CheckpointFormat.renameLegacyClasses(("[\"org.charrnn.model.gru.FusedGru\", \"org.charrnn.model.rnn.FusedRnn\","
                + " \"org.charrnn.model.output.FusedOutput\", \"org.charrnn.model.lstm.FusedLstm\"]").getBytes(StandardCharsets.UTF_8));
        for (String name : new String(renamed, StandardCharsets.UTF_8).replaceAll("[\\[\\]\" ]", "").split(",")) {
            assertDoesNotThrow(() -> Class.forName(name), name);
        }
    }
}
