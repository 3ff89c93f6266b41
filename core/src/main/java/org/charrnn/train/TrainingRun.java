package org.charrnn.train;

import org.charrnn.checkpoint.Checkpoint;
import org.charrnn.checkpoint.CheckpointReader;
import org.charrnn.checkpoint.CheckpointWriter;
import org.charrnn.checkpoint.TrainingState;
import org.charrnn.config.RunConfig;
import org.charrnn.data.Corpus;
import org.charrnn.data.Splits;
import org.charrnn.data.Vocabulary;
import org.charrnn.model.GraphFactory;
import org.charrnn.model.MemoryEstimate;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sets up a training run from a config: makes sure the text is there (downloading it when the
 * config says where from), then starts fresh, resumes a checkpoint exactly, or starts from a
 * checkpoint's weights (fine-tuning) — refusing anything that would silently lose or mix up work.
 */
public final class TrainingRun implements AutoCloseable {
    private final Trainer trainer;
    private final TrainingState start;
    private final RunLock lock;

    private TrainingRun(Trainer trainer, TrainingState start, RunLock lock) {
        this.trainer = trainer;
        this.start = start;
        this.lock = lock;
    }

    /** Releases the checkpoint directory for other runs. */
    @Override
    public void close() {
        lock.close();
    }

    public Vocabulary vocabulary() {
        return trainer.corpus().vocabulary();
    }

    public Path directory() {
        return trainer.store().dir();
    }

    /** Trains to the end of max_epochs, writing metrics.jsonl and samples.txt and reporting to {@code events}. */
    public TrainingState run(TrainingEvents events) {
        RunConfig config = trainer.config();
        try (MetricsLog metrics = MetricsLog.open(trainer.store().dir(), start.iteration())) {
            TrainingEvents all = TrainingEvents.all(events, metrics);
            if (config.sample().every() > 0) {
                all = TrainingEvents.all(all, new SampleLog(trainer.store().dir(), config, vocabulary()));
            }
            return trainer.run(start, all);
        }
    }

    public Trainer trainer() {
        return trainer;
    }

    /** The config this run trains with: the one given, with what model.size and model.precision auto chose. */
    public RunConfig config() {
        return trainer.config();
    }

    public TrainingState start() {
        return start;
    }

    public TrainingState run() {
        return run(new TrainingEvents() { });
    }

    public enum Mode { FRESH, RESUME, INIT_FROM }

    public static TrainingRun prepare(RunConfig config, Mode mode, Path checkpoint, TrainingEvents events) {
        return prepare(config, mode, checkpoint, events, new CheckpointWriter());
    }

    public static TrainingRun prepare(RunConfig config, Mode mode, Path checkpoint, TrainingEvents events,
                                      CheckpointWriter writer) {
        org.charrnn.data.CorpusSource input = org.charrnn.data.CorpusSource.of(config.data());
        if (mode != Mode.RESUME) config = MachineFit.choosePrecision(config, events);
        MachineFit.requirePrecision(config);
        RunText.ensureText(config, input, events);
        CheckpointStore store = new CheckpointStore(Path.of(config.train().checkpointDir()), config.train().savefile(),
                config.train().keep(), writer);
        boolean created = !Files.exists(store.dir());
        store.ensureDirectory();
        RunLock lock = RunLock.acquire(store.dir());
        try {
            store.removeStaleTemporaries(); // what a killed run was writing; never under a final name
            RunDirectoryGuard.requireOurFiles(store, config);
            TrainingRun run = start(config, mode, checkpoint, events, store, input, lock);
            RunText.requirePrimeKnown(config, run.vocabulary());
            return run;
        } catch (RuntimeException | Error e) {
            lock.close();
            if (created) store.removeIfUnused(); // a run that never started leaves no empty directory behind
            throw e;
        }
    }

    private static TrainingRun start(RunConfig config, Mode mode, Path checkpoint, TrainingEvents events,
                                     CheckpointStore store, org.charrnn.data.CorpusSource input, RunLock lock) {
        String yaml = config.toYaml();
        switch (mode) {
            case RESUME -> {
                RunDirectoryGuard.requireSameRunOrEmpty(store, checkpoint);
                Checkpoint ckpt = CheckpointReader.read(checkpoint, true);
                config = CheckpointCompatibility.keptFromCheckpoint(config, ckpt, true, events);
                MachineFit.requirePrecision(config);
                yaml = config.toYaml();
                CheckpointCompatibility.requireSameArchitecture(config, ckpt, checkpoint);
                Corpus corpus = RunText.loadInVocabulary(input, ckpt.vocabulary(), config, events);
                CheckpointCompatibility.requireSameLayout(config, ckpt, checkpoint);
                RunText.requireEnoughText(config, corpus);
                CheckpointCompatibility.requireFixedKeysUnchanged(config, ckpt, checkpoint);
                CheckpointCompatibility.requireSameText(config, ckpt, checkpoint, corpus);
                Trainer trainer = new Trainer(config, yaml, corpus, ckpt.graph(), store);
                trainer.restoreAverage(ckpt.averagedWeights());
                CheckpointCompatibility.requireSameEpochLength(ckpt, checkpoint, trainer.iterationsPerEpoch());
                TrainingState s = ckpt.state();
                events.message(String.format(java.util.Locale.ROOT, "Resuming %s at iteration %d (epoch %.2f)",
                        checkpoint, s.iteration(), s.epoch()));
                return new TrainingRun(trainer, s, lock);
            }
            case INIT_FROM -> {
                Checkpoint ckpt = CheckpointReader.read(checkpoint, false);
                config = CheckpointCompatibility.keptFromCheckpoint(config, ckpt, false, events);
                yaml = config.toYaml();
                CheckpointCompatibility.requireSameArchitecture(config, ckpt, checkpoint);
                RunDirectoryGuard.requireNoEarlierRun(store, config);
                Corpus corpus = RunText.loadInVocabulary(input, ckpt.vocabulary(), config, events);
                RunText.requireEnoughText(config, corpus);
                MachineFit.requireFits(config, ckpt.vocabulary().size());
                ComputationGraph graph = GraphFactory.build(config.model(), config.train().optimization(), ckpt.vocabulary().size());
                graph.setParams(ckpt.graph().params());
                Trainer trainer = new Trainer(config, yaml, corpus, graph, store);
                events.message("Starting from the weights of " + checkpoint);
                return new TrainingRun(trainer, trainer.freshState(), lock);
            }
            default -> {
                RunDirectoryGuard.requireNoEarlierRun(store, config);
                Corpus corpus = Corpus.load(input, null, false);
                RunText.requireEnoughText(config, corpus);
                RunText.requireMoreThanOneCharacter(config, corpus);
                double measuring = 0;
                if (config.model().autoSize()) {
                    ModelSizer.Choice choice = ModelSizer.choose(config, corpus, Splits.of(config.data(), corpus.length()).train().length());
                    // the choice is fixed from here on: the run's config (and its checkpoints) say the size it chose
                    config = config.with("model.size=as_set", "model.rnn_size=" + choice.rnnSize(), "model.dropout=" + choice.dropout(),
                            "train.max_epochs=" + Math.min(config.train().maxEpochs(), choice.epochs()));
                    yaml = config.toYaml();
                    events.message(choice.describe(config.model(), config.train().maxTimeSeconds()));
                    measuring = choice.probeSeconds();
                }
                MachineFit.requireFits(config, corpus.vocabulary().size());
                ComputationGraph graph = GraphFactory.build(config.model(), config.train().optimization(), corpus.vocabulary().size());
                Trainer trainer = new Trainer(config, yaml, corpus, graph, store);
                return new TrainingRun(trainer, trainer.freshState().afterSeconds(measuring), lock);
            }
        }
    }

    /**
     * What a training run will take in memory, worked out before ND4J is loaded (cli.MemoryPlan sizes
     * the JVM by it): the checkpoint's model to resume or start from, else the config's on its text
     * (model.size auto: the widest the sizer may choose there). Null when it cannot be told yet (a text
     * still to download): the run then starts with the launcher's limits.
     */
    public static MemoryEstimate memoryNeed(RunConfig config, Mode mode, Path checkpoint) {
        if (mode != Mode.FRESH) {
            CheckpointReader.Facts facts = CheckpointReader.facts(checkpoint);
            if (facts == null) return null;
            RunConfig model = config.with("model.size=as_set", "model.rnn_size=" + facts.config().model().rnnSize(),
                    "model.num_layers=" + facts.config().model().numLayers(), "model.type=" + facts.config().model().type());
            return MachineFit.estimate(model, model.model().rnnSize(), facts.vocabulary());
        }
        org.charrnn.data.CorpusSource input = org.charrnn.data.CorpusSource.of(config.data());
        long bytes = 0;
        for (Path p : input.inputs()) {
            if (!Files.isRegularFile(p)) return null;
            try {
                bytes += Files.size(p);
            } catch (java.io.IOException e) {
                return null;
            }
        }
        // The vocabulary only sizes the output layer: read it from a text small enough to read now, else assume bytes' worth.
        int vocabulary = bytes < (16L << 20) ? Corpus.load(input, null, false).vocabulary().size() : 256;
        long trainChars = Splits.of(config.data(), bytes).train().length();
        int width = config.model().autoSize() ? ModelSizer.widestAllowed(config, trainChars, vocabulary) : config.model().rnnSize();
        return MachineFit.estimate(config, width, vocabulary);
    }

}
