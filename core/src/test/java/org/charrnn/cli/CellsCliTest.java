package org.charrnn.cli;

import org.charrnn.testing.TestTexts;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GRU and the vanilla RNN through the whole workflow a user runs: train, inspect, sample, visualize. */
class CellsCliTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"gru", "rnn", "gru+layer_norm", "lstm+layer_norm"})
    void trainInspectSampleAndVisualize(String variant) throws IOException {
        String cell = variant.split("\\+")[0];
        boolean layerNorm = variant.endsWith("+layer_norm");
        Path text = TestTexts.write(tmp, "grammar.txt", TestTexts.grammar(6000, 8));
        Path cfg = Files.writeString(tmp.resolve("c.yaml"), String.join("\n", "data:", "  input: " + text,
                "model:", "  type: " + cell, "  layer_norm: " + layerNorm, "  rnn_size: 16", "  num_layers: 2", "train:", "  batch_size: 8",
                "  seq_length: 20", "  max_epochs: 1", "  eval_val_every: 100", "  print_every: 100",
                "  checkpoint_dir: " + tmp.resolve("run"), "sample:", "  every: 0", ""));
        CliRunner.Result t = CliRunner.run("train", cfg.toString());
        assertEquals(0, t.code(), t.err());
        String best = tmp.resolve("run/best.zip").toString();

        CliRunner.Result i = CliRunner.run("inspect", best);
        assertEquals(0, i.code(), i.err());
        String name = switch (cell) {
            case "gru" -> "GruLayerConfig";
            case "lstm" -> "LstmLayerConfig";
            default -> "RnnLayerConfig";
        } + (layerNorm ? ", layer-normalised" : "");
        assertTrue(i.out().replaceAll("\n +", " ").contains("recurrent core:  fused " + cell + " (charrnn " + name
                + ": exact truncated BPTT, state carried across minibatches)"), i.out());

        CliRunner.Result a = CliRunner.run("sample", best, "-n", "80", "--seed", "5", "--prime", "the ");
        CliRunner.Result b = CliRunner.run("sample", best, "-n", "80", "--seed", "5", "--prime", "the ");
        assertEquals(0, a.code(), a.err());
        assertEquals(a.out(), b.out(), "the same seed gives the same text");

        Path page = tmp.resolve("page.html");
        CliRunner.Result v = CliRunner.run("visualize", best, "--prime", "the cat sees the moon.", "--top-cells", "4",
                "--out", page.toString());
        assertEquals(0, v.code(), v.err());
        boolean lstm = cell.equals("lstm");
        assertTrue(v.out().contains(lstm ? "Most varying cells (layer, index, spread of tanh(c)):" : "Most varying units (layer, index, spread of h):"),
                v.out());
        String html = Files.readString(page);
        assertTrue(html.contains(cell.toUpperCase() + (lstm ? " cell" : " unit") + ": <select")
                && html.contains((lstm ? "tanh(c)" : "h") + ": <span"), "labelled by the cell's unit");
    }
}
