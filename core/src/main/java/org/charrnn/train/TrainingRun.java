package org.charrnn.train;

import org.charrnn.config.ModelConfig;
import org.charrnn.checkpoint.Checkpoint;
import org.charrnn.checkpoint.CheckpointReader;
import org.charrnn.checkpoint.CheckpointWriter;
import org.charrnn.checkpoint.TrainingState;
import org.charrnn.config.ConfigException;
import org.charrnn.config.ConfigSchema;
import org.charrnn.config.Key;
import org.charrnn.config.RunConfig;
import org.charrnn.data.Corpus;
import org.charrnn.data.CorpusDownloader;
import org.charrnn.data.Splits;
import org.charrnn.data.StreamLayout;
import org.charrnn.data.Vocabulary;
import org.charrnn.model.GraphFactory;
import org.charrnn.model.MemoryEstimate;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
        if (mode != Mode.RESUME) config = choosePrecision(config, events);
        requirePrecision(config);
        ensureText(config, input, events);
        CheckpointStore store = new CheckpointStore(Path.of(config.train().checkpointDir()), config.train().savefile(),
                config.train().keep(), writer);
        boolean created = !Files.exists(store.dir());
        store.ensureDirectory();
        RunLock lock = RunLock.acquire(store.dir());
        try {
            store.removeStaleTemporaries(); // what a killed run was writing; never under a final name
            requireOurFiles(store, config);
            TrainingRun run = start(config, mode, checkpoint, events, store, input, lock);
            requirePrimeKnown(config, run.vocabulary());
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
                requireSameRunOrEmpty(store, checkpoint);
                Checkpoint ckpt = CheckpointReader.read(checkpoint, true);
                config = keptFromCheckpoint(config, ckpt, true, events);
                requirePrecision(config);
                yaml = config.toYaml();
                requireSameArchitecture(config, ckpt, checkpoint);
                Corpus corpus = loadInVocabulary(input, ckpt.vocabulary(), config, events);
                requireSameLayout(config, ckpt, checkpoint, corpus);
                requireFixedKeysUnchanged(config, ckpt, checkpoint);
                String trainedOn = ckpt.state().textSha256();
                if (trainedOn != null && !trainedOn.equals(corpus.sha256())) {
                    throw new ConfigException("cannot resume " + checkpoint + ": data.input " + config.data().inputShown() + " is not the text it was"
                            + " trained on (its characters differ; SHA-256 " + corpus.sha256().substring(0, 12) + "… vs "
                            + trainedOn.substring(0, 12) + "…); use --init-from to train on another text from its weights");
                }
                Trainer trainer = new Trainer(config, yaml, corpus, ckpt.graph(), store);
                trainer.restoreAverage(ckpt.averagedWeights());
                TrainingState s = ckpt.state();
                if (s.iterationsPerEpoch() != trainer.iterationsPerEpoch()) {
                    throw new ConfigException("cannot resume " + checkpoint + ": the training split now has "
                            + trainer.iterationsPerEpoch() + " minibatches per epoch, the checkpoint was made with "
                            + s.iterationsPerEpoch() + " (different data.input or data.train_frac?)");
                }
                events.message(String.format(java.util.Locale.ROOT, "Resuming %s at iteration %d (epoch %.2f)",
                        checkpoint, s.iteration(), s.epoch()));
                return new TrainingRun(trainer, s, lock);
            }
            case INIT_FROM -> {
                Checkpoint ckpt = CheckpointReader.read(checkpoint, false);
                config = keptFromCheckpoint(config, ckpt, false, events);
                yaml = config.toYaml();
                requireSameArchitecture(config, ckpt, checkpoint);
                requireNoEarlierRun(store, config);
                Corpus corpus = loadInVocabulary(input, ckpt.vocabulary(), config, events);
                requireEnoughText(config, corpus);
                requireFits(config, ckpt.vocabulary().size());
                ComputationGraph graph = GraphFactory.build(config.model(), config.train().optimization(), ckpt.vocabulary().size());
                graph.setParams(ckpt.graph().params());
                Trainer trainer = new Trainer(config, yaml, corpus, graph, store);
                events.message("Starting from the weights of " + checkpoint);
                return new TrainingRun(trainer, trainer.freshState(), lock);
            }
            default -> {
                requireNoEarlierRun(store, config);
                Corpus corpus = Corpus.load(input, null, false);
                requireEnoughText(config, corpus);
                if (corpus.vocabulary().size() < 2) {
                    throw new org.charrnn.data.DataException(config.data().inputShown() + ": the text has only one distinct character ("
                            + org.charrnn.data.Vocabulary.describe(corpus.vocabulary().codePoint(0))
                            + "); there is nothing to learn");
                }
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
                requireFits(config, corpus.vocabulary().size());
                ComputationGraph graph = GraphFactory.build(config.model(), config.train().optimization(), corpus.vocabulary().size());
                Trainer trainer = new Trainer(config, yaml, corpus, graph, store);
                return new TrainingRun(trainer, trainer.freshState().afterSeconds(measuring), lock);
            }
        }
    }

    /** model.precision: auto becomes what this machine runs best, said, and recorded in the run's config. */
    private static RunConfig choosePrecision(RunConfig config, TrainingEvents events) {
        if (config.model().precision() != ModelConfig.Precision.AUTO) return config;
        boolean bf16 = config.model().core() == ModelConfig.Core.FUSED && org.charrnn.model.kernel.KernelChoice.nativeBf16();
        events.message("model.precision auto: " + (bf16 ? "bf16 (this CPU multiplies bfloat16 natively: "
                + org.charrnn.model.kernel.GemmEngine.ONEDNN.describe() + ")" : "f32 (no native bfloat16 products here)"));
        return config.with("model.precision=" + (bf16 ? "bf16" : "f32"));
    }

    /**
     * What a checkpoint's run already chose under model.size: auto (its width, dropout and, resumed, where
     * its schedule ends — a lower train.max_epochs set now wins — said) and model.precision: auto is kept.
     * To train such a run past its end, resume with model.size: as_set and the checkpoint's values.
     */
    private static RunConfig keptFromCheckpoint(RunConfig config, Checkpoint ckpt, boolean resume, TrainingEvents events) {
        if (config.model().precision() == ModelConfig.Precision.AUTO) config = config.with("model.precision=" + ckpt.config().model().precision());
        if (!config.model().autoSize()) return config;
        ModelConfig chosen = ckpt.config().model();
        int epochs = resume ? Math.min(config.train().maxEpochs(), ckpt.config().train().maxEpochs()) : config.train().maxEpochs();
        events.message(String.format(java.util.Locale.ROOT, "model.size auto: keeping the checkpoint's %d × %d, dropout %.2f,"
                + " train.max_epochs %d", chosen.numLayers(), chosen.rnnSize(), chosen.dropout(), epochs));
        return config.with("model.size=as_set", "model.rnn_size=" + chosen.rnnSize(), "model.dropout=" + chosen.dropout(),
                "train.max_epochs=" + epochs);
    }

    /** The text in a checkpoint's vocabulary: characters it lacks dropped (and said) under data.skip_unknown, else refused. */
    private static Corpus loadInVocabulary(org.charrnn.data.CorpusSource input, Vocabulary vocabulary, RunConfig config,
                                           TrainingEvents events) {
        Corpus corpus;
        try {
            corpus = Corpus.load(input, vocabulary, config.data().skipUnknown());
        } catch (org.charrnn.data.UnknownCharactersException e) {
            throw new org.charrnn.data.UnknownCharactersException(e.getMessage() + " (drop them with --skip-unknown, or"
                    + " --set data.skip_unknown=true)", new java.util.LinkedHashSet<>(e.unknown()));
        }
        if (!corpus.skipped().isEmpty()) {
            long total = corpus.skipped().values().stream().mapToLong(Long::longValue).sum();
            StringBuilder which = new StringBuilder();
            corpus.skipped().entrySet().stream().limit(10).forEach(en -> which.append(which.length() == 0 ? "" : ", ")
                    .append(Vocabulary.describe(en.getKey())).append(" ×").append(String.format(java.util.Locale.ROOT, "%,d", en.getValue())));
            if (corpus.skipped().size() > 10) which.append(", …");
            events.message(String.format(java.util.Locale.ROOT, "Skipped %,d characters of %s the model's vocabulary lacks: %s",
                    total, config.data().inputShown(), which));
        }
        return corpus;
    }

    /** model.precision: bf16 on a machine that cannot run it is refused, naming why (f32 always runs). */
    static void requirePrecision(RunConfig config) {
        if (config.model().precision() != ModelConfig.Precision.BF16) return;
        String why = org.charrnn.model.kernel.KernelChoice.whyNoBf16();
        if (why != null) {
            throw new ConfigException(config.source() + ": model.precision: bf16 cannot run here: " + why + "; use f32");
        }
    }

    /**
     * Refuses, before anything is allocated, a model whose training cannot fit: in this machine's
     * memory, or in this process's heap when its size was set by hand (CHARRNN_HEAP) — with the
     * figures and the largest rnn_size that would fit.
     */
    static void requireFits(RunConfig config, int vocabulary) {
        MemoryEstimate need = estimate(config, config.model().rnnSize(), vocabulary);
        if (fits(need)) return;
        int fits = config.model().rnnSize();
        while (fits > 1 && !fits(estimate(config, fits, vocabulary))) fits = fits * 3 / 4;
        boolean heap = !MemoryEstimate.heapFits(need);
        throw new ConfigException(String.format(java.util.Locale.ROOT, "%s: model.num_layers %d × model.rnn_size %d has %,d"
                        + " parameters; training it at train.batch_size %d needs about %.1f GB (%.1f GB of Java heap, %.1f GB native)"
                        + " but %s; a model.rnn_size of %d fits (or lower train.batch_size)", config.source(),
                config.model().numLayers(), config.model().rnnSize(), need.parameters(), config.train().batchSize(),
                need.totalBytes() / 1e9, need.heapBytes() / 1e9, need.nativeBytes() / 1e9,
                heap ? String.format(java.util.Locale.ROOT, "this process's heap is %.1f GB (CHARRNN_HEAP sets it)", MemoryEstimate.heapCeiling() / 1e9)
                        : String.format(java.util.Locale.ROOT, "this machine has %.1f GB", MemoryEstimate.machineBytes() / 1e9), fits));
    }

    /** Whether training needing {@code need} fits the heap this process may have and the machine's memory. */
    static boolean fits(MemoryEstimate need) {
        return MemoryEstimate.heapFits(need) && MemoryEstimate.machineFits(need);
    }

    static MemoryEstimate estimate(RunConfig config, int rnnSize, int vocabulary) {
        org.charrnn.config.ModelConfig sized = config.model().resized(rnnSize, config.model().dropout());
        return MemoryEstimate.training(sized, config.train().optimization(), config.train().batchSize(), config.train().seqLength(),
                vocabulary, config.train().averageFrom() < 1);
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
            return estimate(model, model.model().rnnSize(), facts.vocabulary());
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
        return estimate(config, width, vocabulary);
    }

    private static void ensureText(RunConfig config, org.charrnn.data.CorpusSource source, TrainingEvents events) {
        for (String given : config.data().input()) {
            if (org.charrnn.data.RemoteTexts.isRemote(given)) org.charrnn.data.RemoteTexts.fetch(given, events::message);
        }
        for (Path input : source.inputs()) ensureText(config, input, source.inputs().size() == 1, events);
    }

    private static void ensureText(RunConfig config, Path input, boolean downloadable, TrainingEvents events) {
        if (Files.exists(input)) return;
        if (!config.data().downloadable() || !downloadable) {
            String where = input.isAbsolute() ? "" : " (relative to the working directory " + Path.of("").toAbsolutePath() + ")";
            Path beside = Path.of(config.source()).toAbsolutePath().getParent();
            String hint = !input.isAbsolute() && beside != null && Files.exists(beside.resolve(input))
                    ? "; " + beside.resolve(input) + " exists: run from " + beside + ", or give data.input as that path" : "";
            throw new ConfigException(config.source() + ": data.input: " + input + " does not exist" + where + hint);
        }
        CorpusDownloader.download(config.data().downloadUrl(), config.data().sha256(), input, events::message);
    }

    /**
     * A run writes metrics.jsonl and samples.txt into its directory: files of those names that no
     * run wrote (a user's own) are never taken over.
     */
    private static void requireOurFiles(CheckpointStore store, RunConfig config) {
        try {
            Path metrics = store.dir().resolve(MetricsLog.FILE);
            int line = Files.isRegularFile(metrics) ? MetricsLog.foreignLine(metrics) : 0;
            if (line > 0) {
                throw new ConfigException(metrics + " was not written by a charrnn run (line " + line + "); a run writes its metrics"
                        + " there: move the file, or train into another directory (--set train.checkpoint_dir=DIR)");
            }
            Path samples = store.dir().resolve(SampleLog.FILE);
            if (config.sample().every() > 0 && Files.isRegularFile(samples) && !SampleLog.ours(samples)) {
                throw new ConfigException(samples + " was not written by a charrnn run; a run writes its samples there: move the"
                        + " file, set sample.every: 0, or train into another directory (--set train.checkpoint_dir=DIR)");
            }
        } catch (java.io.IOException e) {
            throw new TrainingException("cannot read " + store.dir() + " (" + org.charrnn.files.FileProblems.why(e, store.dir()) + ")", e);
        }
    }

    /** sample.prime is fed to the model: every character must be one the text has. */
    private static void requirePrimeKnown(RunConfig config, Vocabulary vocabulary) {
        java.util.Set<Integer> unknown = vocabulary.unknownIn(config.sample().prime());
        if (config.sample().every() > 0 && !unknown.isEmpty()) {
            throw new ConfigException(config.source() + ": sample.prime has characters " + config.data().inputShown() + " does not have: "
                    + Vocabulary.describe(unknown) + "; use only the text's own characters (or sample.every: 0)");
        }
    }

    /** A fresh run must not overwrite anything of an earlier one: its checkpoints or its metrics. */
    private static void requireNoEarlierRun(CheckpointStore store, RunConfig config) {
        Path found = store.earlierRun();
        if (found != null) {
            Path last = store.dir().resolve(CheckpointStore.LAST);
            boolean dirFromName = Path.of(config.train().checkpointDir()).normalize().equals(Path.of("models", config.name()));
            throw new ConfigException(store.dir() + " already holds a training run (" + found + "); continue it with --resume "
                    + (Files.exists(last) ? last : "CHECKPOINT") + ", or start a new one elsewhere with "
                    + (dirFromName ? "--set name=NEW_NAME (a config copied from another keeps its name:; checkpoints then go to models/NEW_NAME)"
                    : "--set train.checkpoint_dir=DIR"));
        }
    }

    /**
     * A resume writes into the checkpoint directory of the config: that must be the run the
     * checkpoint comes from, or an empty directory — never another run, whose best.zip, named
     * checkpoints and metrics the resumed run would replace.
     */
    private static void requireSameRunOrEmpty(CheckpointStore store, Path checkpoint) {
        Path found = store.earlierRun();
        if (found == null) return;
        Path from = checkpoint.toAbsolutePath().normalize().getParent();
        try {
            if (from != null && Files.isSameFile(from, store.dir())) return;
        } catch (java.io.IOException e) {
            // cannot compare: treat as another directory
        }
        throw new ConfigException("cannot resume " + checkpoint + " into " + store.dir() + ": that directory holds another run ("
                + found + "), which the resumed run would overwrite; resume it in its own directory (--set train.checkpoint_dir="
                + from + ") or in an empty one");
    }

    private static void requireSameArchitecture(RunConfig config, Checkpoint ckpt, Path file) {
        List<String> diffs = new ArrayList<>();
        for (Key k : ConfigSchema.fixed(Key.Fixed.ARCHITECTURE)) {
            Object want = config.values().get(k.name());
            Object have = ckpt.config().values().get(k.name());
            if (!Objects.equals(want, have)) diffs.add(k.name() + " is " + want + " in " + config.source() + " but " + have + " in the checkpoint");
        }
        if (!diffs.isEmpty()) {
            throw new ConfigException("cannot use " + file + ": the model differs: " + String.join("; ", diffs));
        }
    }

    private static void requireSameLayout(RunConfig config, Checkpoint ckpt, Path file, Corpus corpus) {
        List<String> diffs = new ArrayList<>();
        for (Key k : ConfigSchema.fixed(Key.Fixed.DATA_ORDER)) {
            compare(diffs, k.name(), config.values().get(k.name()), ckpt.config().values().get(k.name()));
        }
        if (!diffs.isEmpty()) {
            throw new ConfigException("cannot resume " + file + " exactly: " + String.join("; ", diffs)
                    + " (use --init-from to start a new run from its weights)");
        }
        requireEnoughText(config, corpus);
    }

    /**
     * Every key a checkpoint fixes (ConfigSchema: the optimizer and its settings, dropout, clipping,
     * ...) is what the checkpoint was trained with: a resume that changed one would record a config
     * the network does not follow, and would no longer continue exactly.
     */
    private static void requireFixedKeysUnchanged(RunConfig config, Checkpoint ckpt, Path file) {
        List<String> diffs = new ArrayList<>();
        for (Key k : ConfigSchema.fixedByCheckpoint()) {
            compare(diffs, k.name(), config.values().get(k.name()), ckpt.config().values().get(k.name()));
        }
        if (!diffs.isEmpty()) {
            throw new ConfigException("cannot resume " + file + ": " + String.join("; ", diffs)
                    + "; a checkpoint fixes these keys (use --init-from to start a new run from its weights)");
        }
    }

    private static void compare(List<String> diffs, String key, Object now, Object then) {
        if (!Objects.equals(now, then)) diffs.add(key + " is " + now + " now but " + then + " in the checkpoint");
    }

    /** char-rnn's "0 batches" trap, explained: how much text the split needs and what to change. */
    static void requireEnoughText(RunConfig config, Corpus corpus) {
        Splits splits = Splits.of(config.data(), corpus.length());
        StreamLayout layout = StreamLayout.forTraining(splits.train(), config.train());
        if (layout.segments() < 1) {
            int b = config.train().batchSize();
            int t = config.train().seqLength();
            long needed = (long) Math.ceil(((long) b * t + 1) / config.data().trainFrac());
            throw new ConfigException(String.format(java.util.Locale.ROOT,
                    "%s: %s has %d characters, so the training split (data.train_frac %.2f) has %d; train.batch_size %d"
                            + " × train.seq_length %d needs at least %d in it (%d in the file). Use a smaller batch_size or"
                            + " seq_length (e.g. --set train.batch_size=%d), or more text",
                    config.source(), config.data().inputShown(), corpus.length(), config.data().trainFrac(),
                    splits.train().length(), b, t, (long) b * t + 1, needed,
                    Math.max(1, (splits.train().length() - 1) / t)));
        }
    }
}
