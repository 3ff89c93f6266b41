package org.charrnn.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.graph.ComputationGraph;

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
 * train_loss, learning_rate, chars_per_s: the wall-clock pace, update_chars_per_s: the updates' own,
 * elapsed_s: the run's training time) and one per validation (with val_loss).
 * Lines reach the file whole (each flush appends complete lines), at least every
 * {@link #FLUSH_NANOS} and at every validation, so a reader (plot) can follow a live run and a
 * crash never leaves a cut line. A resumed run's history past its checkpoint (iterations that will
 * be redone) is dropped only when the resumed run commits its own first checkpoint: a resume that
 * fails or is interrupted before that leaves metrics.jsonl exactly as it was.
 */
public final class MetricsLog implements TrainingEvents, AutoCloseable {
    public static final String FILE = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FLUSH_NANOS = 2_000_000_000L;
    private final Path file;
    /** The run's elapsed seconds as the last update reported them, and when. */
    private double elapsedAt;
    private long nanosAt = System.nanoTime();
    /** The lines to keep when the pending cut is made; null once the file holds only the kept history. */
    private List<String> keptBeforeCut;
    private final StringBuilder pending = new StringBuilder();
    private long lastFlush = System.nanoTime();

    private MetricsLog(Path file, double elapsedBefore, List<String> keptBeforeCut) {
        this.file = file;
        this.elapsedAt = elapsedBefore;
        this.keptBeforeCut = keptBeforeCut;
    }

    /** Opens the log for a run that starts after {@code iteration} completed updates. */
    public static MetricsLog open(Path dir, long iteration) {
        Path file = dir.resolve(FILE);
        try {
            double elapsed = 0;
            List<String> kept = new ArrayList<>();
            boolean cut = false;
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    JsonNode n = parse(line);
                    if (n == null || n.path("iteration").asLong(Long.MAX_VALUE) > iteration) {
                        cut = true;
                        continue;
                    }
                    kept.add(line);
                    elapsed = Math.max(elapsed, n.path("elapsed_s").asDouble(0));
                }
            }
            return new MetricsLog(file, elapsed, cut ? kept : null);
        } catch (IOException e) {
            throw new TrainingException("cannot read " + file + " (" + reason(e) + ")", e);
        }
    }

    /**
     * The number of a line that a charrnn run did not write (not a JSON object with an iteration;
     * a last line cut by a crash is ours), or 0 when every line is ours.
     */
    static int foreignLine(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            JsonNode n = parse(lines.get(i));
            boolean last = i == lines.size() - 1;
            if ((n == null || !n.isObject() || !n.path("iteration").isNumber()) && !(last && n == null && lines.get(i).startsWith("{"))) {
                return i + 1;
            }
        }
        return 0;
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

    /** The run's training seconds: the trainer's clock at the last update, moved on by this process's since. */
    private double elapsed() {
        return elapsedAt + (System.nanoTime() - nanosAt) / 1e9;
    }

    /** One line per update, written by hand: a JSON tree per update cost more than the rest of the loop's bookkeeping. */
    @Override
    public void iteration(Progress p, ComputationGraph graph) {
        elapsedAt = p.elapsedSeconds();
        nanosAt = System.nanoTime();
        pending.append("{\"iteration\":").append(p.iteration());
        number(",\"epoch\":", round(p.epoch(), 6));
        number(",\"train_loss\":", round(p.trainLoss(), 6));
        number(",\"learning_rate\":", p.learningRate());
        pending.append(",\"chars_per_s\":").append(Math.round(p.charsPerSecond()));
        pending.append(",\"update_chars_per_s\":").append(Math.round(p.updateCharsPerSecond()));
        number(",\"elapsed_s\":", round(p.elapsedSeconds(), 3));
        pending.append("}\n");
        flushIfDue();
    }

    /** A number as JSON has it (Jackson's form: Double.toString; not-a-number and infinities as strings). */
    private void number(String key, double v) {
        pending.append(key);
        if (Double.isFinite(v)) pending.append(v);
        else pending.append('"').append(v).append('"');
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
        try {
            pending.append(JSON.writeValueAsString(n)).append('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a line of " + FILE, e);
        }
        flush();
    }

    private void flushIfDue() {
        if (System.nanoTime() - lastFlush > FLUSH_NANOS && keptBeforeCut == null) flush();
    }

    /** Appends the pending whole lines; after a resume's first checkpoint, first makes the cut. */
    private void flush() {
        try {
            if (keptBeforeCut != null) {
                List<String> lines = new ArrayList<>(keptBeforeCut);
                Path tmp = file.resolveSibling("." + FILE + ".tmp");
                Files.write(tmp, lines, StandardCharsets.UTF_8);
                Files.write(tmp, pending.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                keptBeforeCut = null;
            } else if (pending.length() > 0) {
                Files.write(file, pending.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            pending.setLength(0);
            lastFlush = System.nanoTime();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(file.resolveSibling("." + FILE + ".tmp")); // the old file is intact
            } catch (IOException ignored) {
                // the disk refuses even that; the next run's start removes stale temporaries
            }
            throw new TrainingException("cannot write " + file + " (" + reason(e) + "); the checkpoints saved so far are"
                    + " intact: make room, then continue with --resume last", e);
        }
    }

    /** "No space left on device", "permission denied": the operating system's word, not Java's exception name. */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        String m = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) return fs.getReason();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Double.isFinite(v) ? Math.round(v * f) / f : v;
    }

    /** last.zip was committed for a stop: the history it continues from is the one on disk now. */
    @Override
    public void stopped(long iteration, Path checkpoint) {
        flush();
    }

    @Override
    public void finished() {
        close();
    }

    /** Writes what is pending, unless a resume has not committed a checkpoint yet (then the old file stays as it was). */
    @Override
    public void close() {
        if (keptBeforeCut == null) flush();
    }
}
