package org.charrnn.checkpoint;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.charrnn.config.RunConfig;
import org.charrnn.data.Vocabulary;
import org.charrnn.model.layer.CarriedState;
import org.charrnn.model.GraphFactory;
import org.charrnn.testing.TestTexts;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Many randomly damaged checkpoints — flipped bytes, swapped entries, and content damage under a
 * re-hashed manifest (NaN weights, a vocabulary of the wrong size, impossible counters, null
 * losses, carried state that does not fit) — each either loads as a sound checkpoint or is refused
 * with one line naming the file; never an internal error.
 */
class DamagedCheckpointsTest {
    @TempDir
    Path tmp;

    private byte[] good(String cell) {
        Vocabulary vocab = Vocabulary.ofText("abcdefgh \n");
        RunConfig config = TestTexts.smallConfig(tmp.resolve("t.txt"), tmp.resolve("ck"), "model.rnn_size=8", "model.type=" + cell);
        ComputationGraph graph = GraphFactory.build(config.model(), config.train().optimization(), vocab.size());
        float[] h = Nd4j.rand(4, 8).data().asFloat();
        Map<String, CarriedState.Layer> carried = new LinkedHashMap<>();
        for (String layer : List.of("rnn0", "rnn1")) {
            carried.put(layer, new CarriedState.Layer(4, 8, h, cell.equals("lstm") ? h.clone() : null));
        }
        TrainingState state = new TrainingState(12, 40, 1e-3, 123, 2.3, carried,
                java.util.Collections.nCopies(12, 2.2f), List.of(new TrainingState.Validation(12, 0.3, 2.1, 2.25)), null);
        return new CheckpointWriter().encode(graph, vocab, config.toYaml(), state, "fused", null);
    }

    @Test
    void everyDamagedCheckpointIsRefusedInOneLineOrLoadsSound() throws IOException {
        Random r = new Random(11);
        int refused = 0;
        int loaded = 0;
        int cases = 0;
        for (String cell : List.of("lstm", "gru")) {
            byte[] good = good(cell);
            assertSound(read(write("good.zip", good)));
            for (int i = 0; i < 60; i++) { // bytes flipped anywhere in the file
                byte[] b = good.clone();
                for (int k = 0; k < 1 + r.nextInt(3); k++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                if (outcome(b)) loaded++; else refused++;
                cases++;
            }
            Map<String, byte[]> entries = CheckpointZips.entries(good);
            List<String> names = new ArrayList<>(entries.keySet());
            for (int i = 0; i < 10; i++) { // two entries' contents swapped
                Map<String, byte[]> e = new LinkedHashMap<>(entries);
                String a = names.get(r.nextInt(names.size()));
                String c = names.get(r.nextInt(names.size()));
                byte[] t = e.get(a);
                e.put(a, e.get(c));
                e.put(c, t);
                if (outcome(CheckpointZips.zip(e))) loaded++; else refused++;
                cases++;
            }
            for (ContentDamage d : ContentDamage.values()) { // under a re-hashed manifest
                Map<String, byte[]> e = new LinkedHashMap<>(entries);
                d.apply(e, r);
                CheckpointZips.resign(e);
                assertTrue(!outcome(CheckpointZips.zip(e)), d + " must be refused");
                refused++;
                cases++;
            }
        }
        System.out.println("damaged checkpoints: " + cases + " fed, " + refused + " refused in one line, " + loaded
                + " still sound (the damage hit bytes nothing reads)");
        assertTrue(refused > cases / 2, "most damage is caught: " + refused + " of " + cases);
    }

    /** Content damage that checksums cannot see once the manifest is recomputed. */
    enum ContentDamage {
        NAN_WEIGHTS {
            void apply(Map<String, byte[]> e, Random r) {
                e.put(CheckpointFormat.DL4J_COEFFICIENTS, coefficientsWith(e, Float.NaN));
            }
        },
        INFINITE_WEIGHTS {
            void apply(Map<String, byte[]> e, Random r) {
                e.put(CheckpointFormat.DL4J_COEFFICIENTS, coefficientsWith(e, Float.POSITIVE_INFINITY));
            }
        },
        VOCABULARY_TOO_LARGE {
            void apply(Map<String, byte[]> e, Random r) {
                e.put(CheckpointFormat.VOCABULARY, "{\"code_points\":[10,32,97,98,99,100,101,102,103,104,120,121]}".getBytes(StandardCharsets.UTF_8));
            }
        },
        VOCABULARY_OUT_OF_ORDER {
            void apply(Map<String, byte[]> e, Random r) {
                e.put(CheckpointFormat.VOCABULARY, "{\"code_points\":[10,32,98,97,99,100,101,102,103,104]}".getBytes(StandardCharsets.UTF_8));
            }
        },
        VOCABULARY_WITH_A_LONE_SURROGATE {
            void apply(Map<String, byte[]> e, Random r) {
                e.put(CheckpointFormat.VOCABULARY, "{\"code_points\":[10,32,97,98,99,100,101,102,103,55296]}".getBytes(StandardCharsets.UTF_8));
            }
        },
        SYMBOLS_DISAGREE_WITH_CODE_POINTS {
            void apply(Map<String, byte[]> e, Random r) {
                e.put(CheckpointFormat.VOCABULARY, ("{\"code_points\":[10,32,97,98,99,100,101,102,103,104],"
                        + "\"symbols\":[\"\\n\",\" \",\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"z\"]}").getBytes(StandardCharsets.UTF_8));
            }
        },
        CONFIG_NAMES_ANOTHER_CELL {
            void apply(Map<String, byte[]> e, Random r) {
                String yaml = new String(e.get(CheckpointFormat.CONFIG), StandardCharsets.UTF_8);
                String other = yaml.contains("type: lstm") ? yaml.replace("type: lstm", "type: rnn") : yaml.replace("type: gru", "type: rnn");
                e.put(CheckpointFormat.CONFIG, other.getBytes(StandardCharsets.UTF_8));
            }
        },
        COEFFICIENTS_CUT_SHORT {
            void apply(Map<String, byte[]> e, Random r) {
                byte[] c = e.get(CheckpointFormat.DL4J_COEFFICIENTS);
                e.put(CheckpointFormat.DL4J_COEFFICIENTS, java.util.Arrays.copyOf(c, c.length - 64));
            }
        },
        NEGATIVE_ITERATION {
            void apply(Map<String, byte[]> e, Random r) {
                editState(e, s -> s.put("iteration", -5));
            }
        },
        NULL_LOSSES {
            void apply(Map<String, byte[]> e, Random r) {
                editState(e, s -> ((ArrayNode) s.get("train_losses")).setNull(0));
            }
        },
        MORE_LOSSES_THAN_UPDATES {
            void apply(Map<String, byte[]> e, Random r) {
                editState(e, s -> s.put("iteration", 3));
            }
        },
        CARRIED_STATE_TOO_SHORT {
            void apply(Map<String, byte[]> e, Random r) {
                editState(e, s -> ((ObjectNode) s.get("carried").get("rnn0")).put("h", "AAAA"));
            }
        },
        CARRIED_STATE_OF_ANOTHER_SIZE {
            void apply(Map<String, byte[]> e, Random r) {
                editState(e, s -> ((ObjectNode) s.get("carried").get("rnn0")).put("size", 9));
            }
        },
        CARRIED_STATE_FOR_NO_LAYER {
            void apply(Map<String, byte[]> e, Random r) {
                editState(e, s -> ((ObjectNode) s.get("carried")).set("rnn7", s.get("carried").get("rnn0")));
            }
        },
        INFINITE_LEARNING_RATE {
            void apply(Map<String, byte[]> e, Random r) {
                editState(e, s -> s.put("learning_rate", Double.POSITIVE_INFINITY));
            }
        },
        MORE_AVERAGED_THAN_UPDATES {
            void apply(Map<String, byte[]> e, Random r) {
                editState(e, s -> s.put("averaged_updates", 13));
                e.put(CheckpointFormat.TRAINING_WEIGHTS, e.get(CheckpointFormat.DL4J_COEFFICIENTS));
            }
        },
        AVERAGED_WITHOUT_TRAINING_WEIGHTS {
            void apply(Map<String, byte[]> e, Random r) {
                editState(e, s -> s.put("averaged_updates", 5));
            }
        },
        TRAINING_WEIGHTS_WITHOUT_AN_AVERAGE {
            void apply(Map<String, byte[]> e, Random r) {
                e.put(CheckpointFormat.TRAINING_WEIGHTS, e.get(CheckpointFormat.DL4J_COEFFICIENTS));
            }
        },
        TRAINING_WEIGHTS_OF_ANOTHER_LENGTH {
            void apply(Map<String, byte[]> e, Random r) {
                editState(e, s -> s.put("averaged_updates", 5));
                e.put(CheckpointFormat.TRAINING_WEIGHTS, array(Nd4j.rand(1, 7)));
            }
        },
        NAN_TRAINING_WEIGHTS {
            void apply(Map<String, byte[]> e, Random r) {
                editState(e, s -> s.put("averaged_updates", 5));
                e.put(CheckpointFormat.TRAINING_WEIGHTS, coefficientsWith(e, Float.NaN));
            }
        };

        abstract void apply(Map<String, byte[]> e, Random r);
    }

    private static byte[] coefficientsWith(Map<String, byte[]> e, float value) {
        INDArray params = Nd4j.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(e.get(CheckpointFormat.DL4J_COEFFICIENTS))));
        params.putScalar(3, value);
        return array(params);
    }

    private static byte[] array(INDArray a) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Nd4j.write(a, new java.io.DataOutputStream(out));
            return out.toByteArray();
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void editState(Map<String, byte[]> e, java.util.function.Consumer<ObjectNode> edit) {
        try {
            ObjectNode s = (ObjectNode) Json.MAPPER.readTree(e.get(CheckpointFormat.STATE));
            edit.accept(s);
            e.put(CheckpointFormat.STATE, Json.MAPPER.writeValueAsBytes(s));
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** True when the bytes load as a sound checkpoint; false when refused in one line; fails on anything else. */
    private boolean outcome(byte[] bytes) throws IOException {
        Path p = write("damaged.zip", bytes);
        try {
            assertSound(CheckpointReader.read(p, true));
            return true;
        } catch (CheckpointException e) {
            assertTrue(e.getMessage().startsWith(p + ": ") && !e.getMessage().contains("\n"), e.getMessage());
            return false;
        } catch (RuntimeException | Error e) {
            fail("internal error instead of a one-line refusal: " + e, e);
            return false;
        }
    }

    private static void assertSound(Checkpoint c) {
        assertTrue(Double.isFinite(c.graph().params().sumNumber().doubleValue()));
        assertEquals(c.vocabulary().size(), c.graph().getLayer(GraphFactory.OUTPUT).getParam("b").length());
    }

    private Checkpoint read(Path p) {
        return CheckpointReader.read(p, true);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }




}
