package org.charrnn.cli;

import org.charrnn.train.SampleLog;
import com.fasterxml.jackson.databind.JsonNode;
import org.charrnn.testing.TestTexts;
import org.charrnn.train.MetricsLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** metrics.jsonl, samples.txt and the loss PNG of a real (small) run, including a resume. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReportsTest {
    @TempDir
    static Path tmp;
    static Path config;
    static Path run;

    @BeforeAll
    static void train() throws IOException {
        Path text = TestTexts.write(tmp, "grammar.txt", TestTexts.grammar(8000, 6));
        run = tmp.resolve("run");
        config = Files.writeString(tmp.resolve("r.yaml"), String.join("\n", "data:", "  input: " + text,
                "model:", "  rnn_size: 24", "  num_layers: 1", "train:", "  batch_size: 8", "  seq_length: 20",
                "  max_epochs: 1", "  eval_val_every: 10", "  print_every: 5", "  checkpoint_dir: " + run,
                "sample:", "  every: 15", "  length: 40", "  prime: 'the '", ""));
        assertEquals(0, CliRunner.run("train", config.toString()).code());
    }

    @Test
    @Order(1)
    void metricsHaveEveryIterationAndEveryValidation() throws IOException {
        List<JsonNode> m = MetricsLog.read(run.resolve(MetricsLog.FILE));
        List<JsonNode> iterations = m.stream().filter(n -> n.has("train_loss")).toList();
        List<JsonNode> validations = m.stream().filter(n -> n.has("val_loss")).toList();
        assertEquals(47, iterations.size(), "one line per update");
        for (int i = 0; i < iterations.size(); i++) assertEquals(i + 1, iterations.get(i).get("iteration").asInt());
        assertEquals(List.of(10, 20, 30, 40, 47), validations.stream().map(n -> n.get("iteration").asInt()).toList());
        JsonNode first = iterations.get(0);
        for (String key : List.of("epoch", "train_loss", "learning_rate", "chars_per_s", "elapsed_s")) {
            assertTrue(first.has(key), key + " in " + first);
        }
        assertTrue(validations.get(0).get("checkpoint").asText().startsWith("lm_lstm_epoch0.21_"));
    }

    @Test
    @Order(2)
    void samplesAreWrittenOnScheduleAndReproducibly() throws IOException {
        String samples = Files.readString(run.resolve(SampleLog.FILE));
        Matcher m = Pattern.compile("=== iteration (\\d+) \\(epoch [\\d.]+\\), train_loss [\\d.]+, temperature 0.8 ===\\n"
                + "(the .*?)\\n\\n(?==== iteration|\\z)", Pattern.DOTALL).matcher(samples);
        StringBuilder its = new StringBuilder();
        while (m.find()) {
            its.append(m.group(1)).append(' ');
            assertEquals(4 + 40, m.group(2).codePointCount(0, m.group(2).length()), "prime + 40 characters: " + m.group(2));
        }
        assertEquals("10 15 20 30 40 45 47 ", its.toString(), "every 15 iterations and after each validation (10, 20, 30, 40, the end)");
    }

    @Test
    @Order(3)
    void resumeDropsLinesPastTheCheckpointThenAppends() throws IOException {
        // Pretend a crash lost iterations 41-47: resume from the checkpoint at 40 must not duplicate them.
        Files.copy(run.resolve("lm_lstm_epoch0.85_" + loss(run, "0.85") + ".zip"), run.resolve("at40.zip"));
        CliRunner.Result r = CliRunner.run("train", config.toString(), "--resume", run.resolve("at40.zip").toString(),
                "--set", "train.max_epochs=2");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> iterations = MetricsLog.read(run.resolve(MetricsLog.FILE)).stream().filter(n -> n.has("train_loss")).toList();
        assertEquals(94, iterations.size());
        for (int i = 0; i < iterations.size(); i++) assertEquals(i + 1, iterations.get(i).get("iteration").asInt());
    }

    private static String loss(Path dir, String epoch) throws IOException {
        try (var s = Files.list(dir)) {
            String name = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("lm_lstm_epoch" + epoch + "_"))
                    .findFirst().orElseThrow();
            return name.substring(("lm_lstm_epoch" + epoch + "_").length(), name.length() - 4);
        }
    }

    @Test
    @Order(4)
    void plotWritesAPngOfTheStatedSize() throws IOException {
        Path png = tmp.resolve("loss.png");
        CliRunner.Result r = CliRunner.run("plot", run.toString(), "--out", png.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1200, img.getWidth());
        assertEquals(700, img.getHeight());
        int distinct = (int) java.util.stream.IntStream.range(0, 200).map(i -> img.getRGB(100 + i * 5, 350)).distinct().count();
        assertTrue(distinct > 1, "the plot is not blank");
        CliRunner.Result none = CliRunner.run("plot", tmp.toString());
        assertEquals(2, none.code());
        assertEquals("plot: " + tmp.resolve("metrics.jsonl") + " not found; train first (every run writes it)", none.message());
    }
}
