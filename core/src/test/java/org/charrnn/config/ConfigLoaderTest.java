package org.charrnn.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    private static RunConfig parse(String yaml, String... overrides) {
        return ConfigLoader.parse(yaml, "c.yaml", "c", List.of(overrides));
    }

    private static String error(String yaml, String... overrides) {
        return assertThrows(ConfigException.class, () -> parse(yaml, overrides)).getMessage();
    }

    @Test
    void defaultsAreCharRnns() {
        RunConfig c = parse("name: x\n");
        assertEquals(new ModelConfig(ModelConfig.Cell.LSTM, ModelConfig.Core.FUSED, 128, 2, ModelConfig.Sizing.AS_SET, 0, 0, 0.08, 1.0, ModelConfig.Precision.F32, false), c.model());
        assertEquals(50, c.train().batchSize());
        assertEquals(50, c.train().seqLength());
        assertEquals(50, c.train().maxEpochs());
        assertEquals(2e-3, c.train().learningRate());
        assertEquals(0.97, c.train().learningRateDecay());
        assertEquals(10, c.train().learningRateDecayAfter());
        assertEquals(0.95, c.train().decayRate());
        assertEquals(5, c.train().gradClip());
        assertEquals(123, c.train().seed());
        assertEquals(1000, c.train().evalValEvery());
        assertEquals(0.95, c.data().trainFrac());
        assertEquals(0.05, c.data().valFrac());
        assertEquals("models/x", c.train().checkpointDir());
    }

    @Test
    void overridesApplyWithTheirYamlType() {
        RunConfig c = parse("train:\n  batch_size: 50\n", "train.batch_size=100", "model.dropout=0.5", "train.optimizer=adam");
        assertEquals(100, c.train().batchSize());
        assertEquals(0.5, c.model().dropout());
        assertEquals(TrainConfig.Optimizer.ADAM, c.train().optimizer());
    }

    @Test
    void resolvedYamlLoadsBackToTheSameValues() {
        RunConfig c = parse("model:\n  rnn_size: 64\n", "train.seed=-7", "data.input=some file.txt");
        RunConfig again = ConfigLoader.parse(c.toYaml(), "again.yaml", "again", List.of());
        assertEquals(c.values(), again.values());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "unknown key with suggestion|train:\\n  batch_szie: 3\\n|c.yaml: unknown key 'train.batch_szie' (did you mean train.batch_size?)",
            "key in the wrong section|train:\\n  rnn_size: 3\\n|c.yaml: unknown key 'train.rnn_size' (did you mean model.rnn_size?)",
            "unknown section|optim:\\n  lr: 1\\n|c.yaml: unknown key 'optim' (did you mean train.optimizer?)",
            "unrelated key|colour: blue\\n|c.yaml: unknown key 'colour'",
            "wrong type|train:\\n  batch_size: fifty\\n|c.yaml: train.batch_size: 'fifty' is not allowed; expected an integer in [1, 1000000]",
            "fraction as integer|train:\\n  batch_size: 2.5\\n|c.yaml: train.batch_size: 2.5 is not allowed; expected an integer in [1, 1000000]",
            "negative size|model:\\n  rnn_size: -3\\n|c.yaml: model.rnn_size: -3 is not allowed; expected an integer in [1, 65536]",
            "zero layers|model:\\n  num_layers: 0\\n|c.yaml: model.num_layers: 0 is not allowed; expected an integer in [1, 64]",
            "dropout one|model:\\n  dropout: 1\\n|c.yaml: model.dropout: 1 is not allowed; expected a number in [0, 1)",
            "train_frac zero|data:\\n  train_frac: 0\\n|c.yaml: data.train_frac: 0 is not allowed; expected a number in (0, 1]",
            "val_frac above one|data:\\n  val_frac: 1.5\\n|c.yaml: data.val_frac: 1.5 is not allowed; expected a number in [0, 1)",
            "fractions over one|data:\\n  train_frac: 0.9\\n  val_frac: 0.2\\n|c.yaml: data.train_frac + data.val_frac = 1.1 but they must add up to at most 1 (the test split is what they leave)",
            "learning rate zero|train:\\n  learning_rate: 0\\n|c.yaml: train.learning_rate: 0 is not allowed; expected a number in (0, 100]",
            "nan|train:\\n  learning_rate: .nan\\n|c.yaml: train.learning_rate: '.nan' is not allowed; expected a finite number",
            "enum misspelt|model:\\n  type: lstn\\n|c.yaml: model.type: 'lstn' is not allowed; expected one of lstm, gru, rnn (did you mean lstm?)",
            "optimizer unknown|train:\\n  optimizer: lbfgs\\n|c.yaml: train.optimizer: 'lbfgs' is not allowed; expected one of rmsprop, adam, adagrad, sgd",
            "section is a scalar|train: 5\\n|c.yaml: train: expected a section of keys, got 5",
            "list at top|- a\\n- b\\n|c.yaml: expected a YAML mapping of sections (data:, model:, train:), got a list",
            "decay above one|train:\\n  learning_rate_decay: 1.5\\n|c.yaml: train.learning_rate_decay: 1.5 is not allowed; expected a number in (0, 1]",
            "negative clip|train:\\n  grad_clip: -1\\n|c.yaml: train.grad_clip: -1 is not allowed; expected a number in [0, inf)",
            "savefile with slash|train:\\n  savefile: a/b\\n|c.yaml: train.savefile: 'a/b' is not allowed; expected a non-empty name without spaces or slashes, at most 200 bytes (it begins every checkpoint's file name)",
            "name climbing out|name: ../up\\n|c.yaml: name: '../up' is not allowed; expected a plain name (no slashes, not . or .., at most 200 bytes): it names the run's directory under models/",
            "binary number|train:\\n  seed: 0b101\\n|c.yaml: train.seed: 0b101 reads as 5 in YAML (0b is binary); write 5, or quote it",
            "hex number|train:\\n  seed: 0x1F\\n|c.yaml: train.seed: 0x1F reads as 31 in YAML (0x is hexadecimal); write 31, or quote it",
            "budget under a second|train:\\n  max_time: 0.5s\\n|c.yaml: train.max_time: '0.5s' is shorter than a second; expected at least 1s, or 0 for none",
            "empty budget|train:\\n  max_time: ''\\n|c.yaml: train.max_time: an empty value is not allowed; expected a duration such as 90s, 10m, 2h or 1h30m (0 for none)",
            "second document|train:\\n  batch_size: 4\\n---\\ntrain:\\n  batch_size: 8\\n|c.yaml: a second YAML document (line 4) would be ignored; a config is one document: remove the --- and what follows, or merge it",
    })
    void badValuesGiveOneLineNamingFileKeyValueAndAllowed(String what, String yaml, String expected) {
        assertEquals(expected, error(yaml.replace("\\n", "\n")));
    }

    @Test
    void overrideErrorsNameTheFlag() {
        assertEquals("--set: train.batch_size: 0 is not allowed; expected an integer in [1, 1000000]",
                error("name: x\n", "train.batch_size=0"));
        assertEquals("--set: unknown key 'train.bach_size' (did you mean train.batch_size?)",
                error("name: x\n", "train.bach_size=4"));
        assertEquals("--set: train.learning_rate: '.nan' is not allowed; expected a number in (0, 100]",
                error("name: x\n", "train.learning_rate=.nan"));
        assertEquals("--set train.batch_size: expected key=value, for example --set train.batch_size=100",
                error("name: x\n", "train.batch_size"));
    }

    @Test
    void aKeySetTwiceIsRefusedUnlessBothAgree() {
        assertEquals("--set train.batch_size is given twice (train.batch_size=2, train.batch_size=3); give each key once",
                assertThrows(ConfigException.class, () -> ConfigLoader.requireEachKeyOnce(List.of("train.batch_size=2",
                        "train.batch_size=3"))).getMessage());
        ConfigLoader.requireEachKeyOnce(List.of("train.batch_size=2", "train.batch_size=2"));
        assertEquals(3, parse("name: x\n", "train.batch_size=2", "train.batch_size=3").train().batchSize(), "in code, the later wins");
    }

    @Test
    void pathsStartingWithATildeAreInTheHomeDirectory() {
        String home = System.getProperty("user.home");
        assertEquals(List.of(home + "/texts/a.txt"), parse("data:\n  input: ~/texts/a.txt\n").data().input());
        assertEquals(List.of("a~/b.txt"), parse("data:\n  input: a~/b.txt\n").data().input(), "only a leading ~ is the home");
        assertEquals(List.of("a.txt", home + "/b"), parse("data:\n  input: [a.txt, ~/b]\n").data().input(), "a list of inputs");
    }

    @Test
    void longBoundsAreComparedExactly() {
        long max = 1L << 61; // train.seed's bound; max + 1 is the same double as max
        assertEquals(max, parse("train:\n  seed: " + max + "\n").train().seed());
        assertEquals(-max, parse("train:\n  seed: " + -max + "\n").train().seed());
        String past = error("train:\n  seed: " + (max + 1) + "\n");
        assertTrue(past.startsWith("c.yaml: train.seed: " + (max + 1) + " is not allowed"), past);
    }

    @Test
    void notYamlEmptyMissingAndDirectory() throws IOException {
        assertEquals("c.yaml: the config file is empty; expected YAML sections data:, model:, train:", error("  \n"));
        String notYaml = error("train: [1, 2\nmodel: {");
        assertEquals(true, notYaml.startsWith("c.yaml: not valid YAML at line "), notYaml);
        assertEquals(tmp.resolve("nope.yaml") + ": config file not found",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(tmp.resolve("nope.yaml"), List.of())).getMessage());
        assertEquals(tmp + ": is a directory, not a config file",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(tmp, List.of())).getMessage());
        Path ok = Files.writeString(tmp.resolve("shakespeare.yaml"), "model:\n  rnn_size: 8\n");
        assertEquals("shakespeare", ConfigLoader.load(ok, List.of()).name(), "the run is named after the file");
    }

    @Test
    void shippedConfigsLoad() {
        for (String f : List.of("tinyshakespeare", "tinyshakespeare-large", "min-char-rnn")) {
            RunConfig c = ConfigLoader.load(Path.of("configs", f + ".yaml"), List.of());
            assertEquals(f, c.name());
        }
        RunConfig min = ConfigLoader.load(Path.of("configs/min-char-rnn.yaml"), List.of());
        assertEquals(ModelConfig.Cell.RNN, min.model().type());
        assertEquals(ModelConfig.Core.FUSED, min.model().core(), "our RNN: the state carried from chunk to chunk, as min-char-rnn does");
        assertEquals(100, min.model().rnnSize());
        assertEquals(25, min.train().seqLength());
        assertEquals(1, min.train().batchSize());
        assertEquals(TrainConfig.Optimizer.ADAGRAD, min.train().optimizer());
        assertEquals(0.1, min.train().learningRate());
    }

    /**
     * model.layer_norm is the LSTM's and the GRU's: a config's carries over to the other, yields to the
     * plain RNN given on top of it; asked for with that one, or with DL4J's stock layers, it is refused.
     */
    @Test
    void aConfigsLayerNormYieldsToTheCellWithoutItOnTheCommandLine() {
        String file = "model:\n  type: gru\n  layer_norm: true\n";
        assertTrue(ConfigLoader.parse(file, "q.yaml", "q", java.util.List.of()).model().layerNorm());
        RunConfig lstm = ConfigLoader.parse(file, "q.yaml", "q", java.util.List.of("model.type=lstm"));
        assertEquals(ModelConfig.Cell.LSTM, lstm.model().type());
        assertTrue(lstm.model().layerNorm(), "the LSTM has layer normalisation too");
        RunConfig rnn = ConfigLoader.parse(file, "q.yaml", "q", java.util.List.of("model.type=rnn"));
        assertFalse(rnn.model().layerNorm());
        ConfigException both = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(file, "q.yaml", "q", java.util.List.of("model.type=rnn", "model.layer_norm=true")));
        assertEquals("--set: model.layer_norm: true is not allowed with model.type 'rnn' (layer normalisation is built for the"
                + " lstm and the gru); expected false, or model.type 'lstm' or 'gru'", both.getMessage());
        ConfigException inFile = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("model:\n  type: rnn\n  layer_norm: true\n", "l.yaml", "l", java.util.List.of()));
        assertTrue(inFile.getMessage().startsWith("l.yaml: model.layer_norm: true is not allowed"), inFile.getMessage());
        ConfigException stock = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("model:\n  type: lstm\n  core: stock\n  layer_norm: true\n", "s.yaml", "s", java.util.List.of()));
        assertEquals("s.yaml: model.layer_norm: true is not allowed with model.core 'stock' (DL4J's layers have no layer"
                + " normalisation); expected false, or model.core 'fused'", stock.getMessage());
    }
}
