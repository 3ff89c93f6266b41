package org.charrnn.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each key is declared once (@Setting); docs/config.md's table and the resume checks follow from it. */
class ConfigDocsTest {
    private static final String START = "<!-- keys: generated from ConfigSchema.markdownTable() -->\n";
    private static final String END = "<!-- /keys -->";

    @Test
    void theReadmeTableIsTheDeclaration() throws IOException {
        String readme = Files.readString(Path.of("docs/config.md"));
        int from = readme.indexOf(START);
        int to = readme.indexOf(END);
        assertTrue(from >= 0 && to > from, "docs/config.md has the generated keys table between its markers");
        assertEquals(ConfigSchema.markdownTable(), readme.substring(from + START.length(), to),
                "docs/config.md's keys table differs from the declarations; paste ConfigSchema.markdownTable() between the markers");
    }

    @Test
    void everyDefaultPassesItsOwnChecksAndLoadsBackFromYaml() {
        RunConfig defaults = ConfigLoader.of();
        for (Key k : ConfigSchema.KEYS) {
            if (k.name().equals("name") || k.name().equals("train.checkpoint_dir")) continue; // derived when empty
            assertEquals(k.defaultValue(), defaults.values().get(k.name()), k.name());
        }
        RunConfig again = ConfigLoader.parse(defaults.toYaml(), "again.yaml", "x", List.of());
        assertEquals(defaults.values(), again.values());
        assertEquals(defaults.train(), again.train());
        assertEquals(defaults.model(), again.model());
    }

    @Test
    void namesAreCharRnnsAndWhatACheckpointFixesIsDeclared() {
        assertEquals("train.learning_rate_decay_after", ConfigSchema.get("train.learning_rate_decay_after").name());
        assertEquals("train.max_time", ConfigSchema.get("train.max_time").name());
        assertEquals(Key.Kind.DURATION, ConfigSchema.get("train.max_time").kind());
        assertEquals(List.of("model.type", "model.core", "model.rnn_size", "model.num_layers", "model.embedding_size",
                        "model.layer_norm"),
                ConfigSchema.fixed(Key.Fixed.ARCHITECTURE).stream().map(Key::name).toList());
        assertEquals(List.of("data.train_frac", "data.val_frac", "data.skip_unknown", "train.batch_size", "train.seq_length", "train.seed"),
                ConfigSchema.fixed(Key.Fixed.DATA_ORDER).stream().map(Key::name).toList());
        assertFalse(ConfigSchema.get("train.max_epochs").fixedByCheckpoint(), "a resume may train longer");
        assertEquals("an integer in [1, 65536]", ConfigSchema.get("model.rnn_size").allowed());
        assertEquals("a number in (0, 1]", ConfigSchema.get("data.train_frac").allowed());
    }

    @Test
    void aConfigFromSettingsIsCheckedAsTheCommandLineIs() {
        assertEquals(64, ConfigLoader.of("model.rnn_size=64").model().rnnSize());
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.of("model.rnn_sise=64"));
        assertEquals("--set: unknown key 'model.rnn_sise' (did you mean model.rnn_size?)", e.getMessage());
    }
}
