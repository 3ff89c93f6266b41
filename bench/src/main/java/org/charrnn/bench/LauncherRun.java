package org.charrnn.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Our training as a user runs it: {@code ./charrnn train --text FILE} on a bench shape for a few
 * seconds, in its own process with the memory the launcher gives it. Its pace is the wall clock's over
 * the run's second half (validations, checkpoints and metrics included, the JIT's warm-up not), from
 * its own metrics.jsonl; its peak memory is the process's, as {@code /usr/bin/time -v} reports it.
 */
public final class LauncherRun {
    /** Wall-clock chars/s over the second half, the session's whole pace, and the peak resident memory (MiB). */
    public record Result(double secondHalfCharsPerSecond, double wholeCharsPerSecond, double peakRssMiB) {}

    private LauncherRun() {}

    /** Trains {@code m} on {@code text} for {@code seconds} through {@code launcher} in a fresh directory under {@code scratch}. */
    public static Result train(Path launcher, BenchModel m, Path text, double seconds, Path scratch) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(scratch, "train");
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "train", "--text", text.toString()));
        // The recipe validates every 1,000 updates; at a small minibatch that would be validating more than
        // training: at least ten times the validated characters are trained between two validations, as
        // min-char-rnn's own config does.
        long valChars = Files.size(text) / 20;
        long evalEvery = Math.max(1000, 10 * valChars / ((long) m.batch() * m.seqLength()));
        for (String set : List.of("train.checkpoint_dir=" + dir.resolve("run"), "model.size=as_set", "model.type=" + m.cell(),
                "model.rnn_size=" + m.units(), "model.num_layers=" + m.layers(), "model.dropout=0", "model.precision=" + m.precision(),
                "model.layer_norm=" + m.layerNorm(), "train.batch_size=" + m.batch(), "train.seq_length=" + m.seqLength(),
                "train.optimizer=" + m.optimizer(), "train.learning_rate=" + m.learningRate(),
                "train.max_time=" + Math.round(seconds) + "s", "train.eval_val_every=" + evalEvery, "train.print_every=1000000", "sample.every=0")) {
            cmd.add("--set");
            cmd.add(set);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        PeakMemory peak = PeakMemory.watch(p.toHandle());
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int code = p.waitFor();
        double rss = peak.stop();
        if (code != 0) throw new IOException("./charrnn train on " + m.name() + " failed:\n" + out);
        List<JsonNode> lines = new ArrayList<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : Files.readAllLines(dir.resolve("run").resolve("metrics.jsonl"))) {
            JsonNode n = json.readTree(line);
            if (n.has("train_loss")) lines.add(n);
        }
        if (lines.size() < 2) throw new IOException("./charrnn train on " + m.name() + " made fewer than two updates:\n" + out);
        JsonNode last = lines.get(lines.size() - 1);
        double end = last.get("elapsed_s").asDouble();
        JsonNode half = lines.stream().filter(n -> n.get("elapsed_s").asDouble() >= end / 2).findFirst().orElse(lines.get(0));
        double chars = (double) m.batch() * m.seqLength();
        double secondHalf = (last.get("iteration").asLong() - half.get("iteration").asLong()) * chars
                / (end - half.get("elapsed_s").asDouble());
        double whole = last.get("iteration").asLong() * chars / end;
        return new Result(secondHalf, whole, rss);
    }
}
