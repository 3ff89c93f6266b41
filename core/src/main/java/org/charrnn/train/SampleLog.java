package org.charrnn.train;

import org.charrnn.config.RunConfig;
import org.charrnn.config.SampleConfig;
import org.charrnn.data.Vocabulary;
import org.charrnn.sample.Sampler;
import org.charrnn.sample.SamplingOptions;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * samples.txt in the run directory, beside metrics.jsonl: a short sample every sample.every
 * iterations and after every validation (so a run shorter than sample.every still shows what it
 * learnt), each with its iteration, so the text's evolution can be read as in the blog. Seeded by the iteration, so a
 * resumed run writes the same samples. Sampling never touches the training state.
 */
public final class SampleLog implements TrainingEvents {
    public static final String FILE = "samples.txt";
    private final Path file;
    private final SampleConfig config;
    private final Vocabulary vocabulary;
    private final int[] prime;
    private final long seed;

    /** How every entry of ours begins: a file that does not was not written by a run. */
    static final String ENTRY = "=== iteration ";

    /** Whether a run wrote this samples file (it is empty, or begins with one of our entries). */
    static boolean ours(Path file) throws IOException {
        try (java.io.BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = r.readLine();
            return first == null || first.startsWith(ENTRY);
        } catch (java.nio.charset.MalformedInputException e) {
            return false;
        }
    }

    SampleLog(Path dir, RunConfig run, Vocabulary vocabulary) {
        this.file = dir.resolve(FILE);
        this.config = run.sample();
        this.vocabulary = vocabulary;
        this.prime = vocabulary.encode(config.prime(), "sample.prime"); // TrainingRun checked its characters
        this.seed = run.train().seed();
    }

    private ComputationGraph graph;
    private long lastSampled = -1;

    @Override
    public void iteration(Progress p, ComputationGraph graph) {
        this.graph = graph;
        if (p.iteration() % config.every() == 0) write(p.iteration(), p.epoch(), p.trainLoss());
    }

    @Override
    public void validated(long iteration, double epoch, double valLoss, double trainLoss, Path checkpoint, boolean best) {
        if (graph != null && iteration != lastSampled) write(iteration, epoch, trainLoss);
    }

    private void write(long iteration, double epoch, double trainLoss) {
        lastSampled = iteration;
        StringBuilder text = new StringBuilder();
        new Sampler(graph, vocabulary).sample(prime,
                new SamplingOptions(config.length(), config.temperature(), 0, false, seed + iteration), text::appendCodePoint);
        String entry = String.format(Locale.ROOT, ENTRY + "%d (epoch %.2f), train_loss %.4f, temperature %s ===%n%s%s%n%n",
                iteration, epoch, trainLoss, config.temperature(), primeText(), text);
        try {
            Files.writeString(file, entry, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new TrainingException("cannot write " + file + " (" + MetricsLog.reason(e) + "); the checkpoints saved so"
                    + " far are intact: make room, then continue with --resume last", e);
        }
    }

    private String primeText() {
        StringBuilder sb = new StringBuilder();
        for (int i : prime) sb.appendCodePoint(vocabulary.codePoint(i));
        return sb.toString();
    }
}
