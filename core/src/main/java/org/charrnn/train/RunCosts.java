package org.charrnn.train;

import org.charrnn.config.RunConfig;
import org.charrnn.data.Corpus;
import org.charrnn.data.Region;
import org.charrnn.data.Splits;
import org.charrnn.data.StreamLayout;
import org.charrnn.eval.Evaluator;
import org.charrnn.files.AtomicFiles;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a run spends besides its updates, per character it trains, for model.size auto to plan with
 * the pace the run will have: its validations (scoring the validated part of the val split, every
 * eval_val_every updates and at every epoch's end), the checkpoints each validation writes (last.zip,
 * the named one, best.zip), and over the schedule's last part the weight average's step after every
 * update. Each is timed on the probe's own graph, so it is this machine's cost at that width.
 */
final class RunCosts {
    /** At most this many val characters are scored to time a validation (the pace is per character). */
    private static final long TIMED_VAL_CHARS = 16_384;

    private final RunConfig config;
    private final Corpus corpus;
    private final Region val;
    private final long validatedChars;
    private final double validationsPerUpdate;
    private final long charsPerUpdate;
    private final double averagedShare;
    private final int checkpointsPerValidation;

    private RunCosts(RunConfig config, Corpus corpus) {
        this.config = config;
        this.corpus = corpus;
        Splits splits = Splits.of(config.data(), corpus.length());
        long cap = config.train().valChars();
        long valLength = cap == 0 ? splits.val().length() : Math.min(cap, splits.val().length());
        this.validatedChars = valLength;
        this.val = new Region(splits.val().start(), Math.min(valLength, TIMED_VAL_CHARS));
        int perEpoch = Math.max(1, StreamLayout.forTraining(splits.train(), config.train()).segments());
        this.validationsPerUpdate = Math.min(1, 1.0 / config.train().evalValEvery() + 1.0 / perEpoch);
        this.charsPerUpdate = (long) config.train().batchSize() * config.train().seqLength();
        this.averagedShare = config.train().averageFrom() < 1 ? 1 - config.train().averageFrom() : 0;
        this.checkpointsPerValidation = config.train().keep() > 0 ? 3 : 2;
    }

    static RunCosts of(RunConfig config, Corpus corpus) {
        return new RunCosts(config, corpus);
    }

    /** Seconds per trained character, besides the updates, for the model in {@code graph}. */
    double secondsPerTrainedChar(ComputationGraph graph) {
        double perValidation = validatedChars == 0 ? 0 : validationSeconds(graph) + checkpointSeconds(graph);
        double perUpdate = perValidation * validationsPerUpdate + averagedShare * averageSeconds(graph);
        return perUpdate / charsPerUpdate;
    }

    /** A validation's scoring of the validated characters, at the pace of a stretch of them (timed after one untimed). */
    private double validationSeconds(ComputationGraph graph) {
        if (val.length() < 2) return 0;
        Evaluator.evaluate(graph, corpus, val, config.train().batchSize(), config.train().seqLength());
        long t0 = System.nanoTime();
        Evaluator.Loss l = Evaluator.evaluate(graph, corpus, val, config.train().batchSize(), config.train().seqLength());
        double seconds = (System.nanoTime() - t0) / 1e9;
        return l.characters() == 0 ? 0 : seconds / l.characters() * validatedChars;
    }

    /** The network as a checkpoint holds it (weights and optimizer state), written as many times as a validation writes it. */
    private double checkpointSeconds(ComputationGraph graph) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("charrnn-probe");
            long t0 = System.nanoTime();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ModelSerializer.writeModel(graph, bytes, true);
            AtomicFiles files = new AtomicFiles(AtomicFiles.DEFAULT);
            for (int i = 0; i < checkpointsPerValidation; i++) files.write(dir.resolve("probe" + i + ".zip"), bytes.toByteArray());
            return (System.nanoTime() - t0) / 1e9;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot time a checkpoint's writing in the temporary directory", e);
        } finally {
            if (dir != null) deleteQuietly(dir);
        }
    }

    /** One step of the weight average (WeightAverage.add over every parameter), timed over a few. */
    private double averageSeconds(ComputationGraph graph) {
        WeightAverage average = new WeightAverage(0);
        average.add(graph, 1);
        average.add(graph, 1);
        long t0 = System.nanoTime();
        for (int i = 0; i < 4; i++) average.add(graph, 1);
        return (System.nanoTime() - t0) / 4e9;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }
}
