package org.charrnn.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * metrics.jsonl in the checkpoint directory: one JSON object per update (iteration, epoch,
 * train_loss, learning_rate, chars_per_s, elapsed_s) and one per validation (with val_loss).
 * A resumed run first drops the lines past its checkpoint (iterations a crash lost and that will
 * be redone), then appends.
 */
public final class MetricsLog implements TrainingEvents, AutoCloseable {
    public static final String FILE = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter out;
    private final long startNanos = System.nanoTime();
    private final double elapsedBefore;

    private MetricsLog(BufferedWriter out, double elapsedBefore) {
        this.out = out;
        this.elapsedBefore = elapsedBefore;
    }

    /** Opens the log for a run that starts after {@code iteration} completed updates. */
    public static MetricsLog open(Path dir, long iteration) {
        Path file = dir.resolve(FILE);
        try {
            double elapsed = 0;
            if (Files.exists(file)) {
                List<String> kept = new ArrayList<>();
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    JsonNode n = parse(line);
                    if (n == null || n.path("iteration").asLong(Long.MAX_VALUE) > iteration) continue;
                    kept.add(line);
                    elapsed = Math.max(elapsed, n.path("elapsed_s").asDouble(0));
                }
                Path tmp = dir.resolve("." + FILE + ".tmp");
                Files.write(tmp, kept, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return new MetricsLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND), elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Reads a metrics file back, skipping lines that are not JSON (a line cut by a crash). */
    public static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode n = parse(line);
            if (n != null) out.add(n);
        }
        return out;
    }

    private static JsonNode parse(String line) {
        try {
            return line.isBlank() ? null : JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private double elapsed() {
        return elapsedBefore + (System.nanoTime() - startNanos) / 1e9;
    }

    @Override
    public void iteration(Progress p, ComputationGraph graph) {
        ObjectNode n = JSON.createObjectNode();
        n.put("iteration", p.iteration());
        n.put("epoch", round(p.epoch(), 6));
        n.put("train_loss", round(p.trainLoss(), 6));
        n.put("learning_rate", p.learningRate());
        n.put("chars_per_s", Math.round(p.charsPerSecond()));
        n.put("elapsed_s", round(elapsed(), 3));
        write(n);
    }

    @Override
    public void validated(long iteration, double epoch, double valLoss, double trainLoss, Path checkpoint, boolean best) {
        ObjectNode n = JSON.createObjectNode();
        n.put("iteration", iteration);
        n.put("epoch", round(epoch, 6));
        if (Double.isFinite(valLoss)) n.put("val_loss", round(valLoss, 6));
        n.put("mean_train_loss", round(trainLoss, 6));
        n.put("checkpoint", checkpoint == null ? null : checkpoint.getFileName().toString());
        n.put("elapsed_s", round(elapsed(), 3));
        write(n);
        flush();
    }

    private void write(ObjectNode n) {
        try {
            out.write(JSON.writeValueAsString(n));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE, e);
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE, e);
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Double.isFinite(v) ? Math.round(v * f) / f : v;
    }

    @Override
    public void finished() {
        close();
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // best effort at the end of a run
        }
    }
}
