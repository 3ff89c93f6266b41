package org.charrnn.api;

import org.charrnn.checkpoint.Checkpoint;
import org.charrnn.checkpoint.CheckpointException;
import org.charrnn.checkpoint.CheckpointReader;
import org.charrnn.checkpoint.TrainingState;
import org.charrnn.config.ModelConfig;
import org.charrnn.config.RunConfig;
import org.charrnn.data.Corpus;
import org.charrnn.data.DataException;
import org.charrnn.data.Region;
import org.charrnn.data.Splits;
import org.charrnn.data.Vocabulary;
import org.charrnn.model.Stepper;
import org.charrnn.model.kernel.ShapeInfoCache;
import org.charrnn.report.ActivationTrace;
import org.charrnn.sample.Sampler;
import org.charrnn.sample.SamplingOptions;
import org.charrnn.eval.Evaluator;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

/**
 * A trained character-level language model, loaded from a checkpoint: the one way into the
 * project for the command line, the HTTP server and your own programs.
 * <pre>{@code
 * CharRnnModel model = CharRnnModel.load(Path.of("models/tinyshakespeare/best.zip"));
 * String text = model.sample(SampleRequest.builder().prime("ROMEO:").length(500).temperature(0.8).seed(42L).build()).text();
 * double bits = model.score("To be, or not to be").bitsPerChar();
 * }</pre>
 * <b>Threads.</b> A loaded model is safe to share: {@link #sample} and {@link #trace} calls run in
 * parallel, each with its own recurrent state over the shared, read-only weights; {@link #score}
 * calls are safe too but run one at a time (they stream minibatches through the network itself).
 */
public final class CharRnnModel {
    static {
        ShapeInfoCache.install(); // before ND4J starts, if it has not
    }

    private final Path file;
    private final Checkpoint checkpoint;
    private final Vocabulary vocabulary;
    private final Sampler sampler;
    private final Stepper stepper; // the weights as samples and traces step them; null when the network is not our one-hot cells
    private final Object network = new Object(); // guards the graph's own recurrent state while scoring

    private CharRnnModel(Path file, Checkpoint checkpoint) {
        this.file = file;
        this.checkpoint = checkpoint;
        this.vocabulary = checkpoint.vocabulary();
        this.stepper = Stepper.supports(checkpoint.graph()) ? new Stepper(checkpoint.graph()) : null;
        this.sampler = new Sampler(checkpoint.graph(), vocabulary, stepper);
    }

    /**
     * Loads a checkpoint written by {@code charrnn train}, given as its file or as its run's
     * directory (which stands for best.zip, else last.zip); its content is checked (shapes,
     * vocabulary, config). Throws {@link CharRnnException} naming the file and what is wrong.
     */
    public static CharRnnModel load(Path checkpoint) {
        try {
            Path file = org.charrnn.checkpoint.RunDirectory.checkpointIn(checkpoint);
            return new CharRnnModel(file, CheckpointReader.read(file, false));
        } catch (CheckpointException e) {
            throw new CharRnnException(e.getMessage(), e);
        }
    }

    /** One line naming the model and its file. */
    @Override
    public String toString() {
        return "CharRnnModel[" + checkpoint.config().name() + ", " + checkpoint.config().model().type() + " "
                + checkpoint.config().model().numLayers() + "×" + checkpoint.config().model().rnnSize() + ", " + vocabulary.size()
                + " characters, " + file + "]";
    }

    /** The text the model was trained on (data.input of its config: files or directories), whose splits {@link #scoreSplit} scores. */
    public List<Path> trainingText() {
        return checkpoint.config().data().input().stream().map(org.charrnn.data.RemoteTexts::local).toList();
    }

    /** The characters the model knows, in index order (each one code point). */
    public List<String> vocabulary() {
        return vocabulary.symbols();
    }

    /** The characters of {@code text} the model does not know, each once, in order of appearance; empty when it knows them all. */
    public List<String> unknownCharacters(String text) {
        return vocabulary.unknownIn(text).stream().map(Character::toString).toList();
    }

    public ModelInfo info() {
        TrainingState s = checkpoint.state();
        RunConfig config = checkpoint.config();
        List<ModelInfo.Validation> validations = s.validations().stream()
                .map(v -> new ModelInfo.Validation(v.iteration(), v.epoch(), v.trainLoss(), v.loss())).toList();
        return new ModelInfo(config.name(), file.toString(), checkpoint.formatVersion(), config.model().type().toString(), checkpoint.core(),
                coreDescription(checkpoint.core(), config.model().type(), config.model().layerNorm()), config.model().numLayers(), config.model().rnnSize(),
                checkpoint.graph().numParams(), vocabulary(), s.epoch(), s.iteration(), s.iterationsPerEpoch(),
                s.learningRate(), s.bestValLoss(), validations, config.toYaml(), s.averagedUpdates());
    }

    /**
     * Starts a sample: the prime is read, then each {@link Generation#next()} draws one character.
     * Throws {@link InvalidRequestException} for a prime with unknown characters (unless the request
     * skips them) or a top_k above the vocabulary.
     */
    public Generation sample(SampleRequest request) {
        if (request.topK() > vocabulary.size()) {
            throw new InvalidRequestException("top_k", request.topK() + " is not allowed; the model knows "
                    + vocabulary.size() + " characters, so expected 0 (all) to " + vocabulary.size());
        }
        String prime = known(request.prime(), "prime", request.skipUnknown());
        long seed = request.seed() != null ? request.seed() : ThreadLocalRandom.current().nextLong();
        SamplingOptions options = new SamplingOptions(request.length(), request.temperature(), request.topK(), request.argmax(), seed,
                request.beam());
        return new Generation(sampler.start(vocabulary.encode(prime, "the prime"), options), seed, prime);
    }

    /** Samples and hands each character's code point to {@code out} as it is drawn; returns the seed used. */
    public long sample(SampleRequest request, IntConsumer out) {
        Generation g = sample(request);
        while (g.hasNext()) out.accept(g.nextCodePoint());
        return g.seed();
    }

    /** How well the model predicts {@code text} (at least 2 characters, all known to the model). */
    public Score score(String text) {
        known(text, "text", false);
        if (text.codePointCount(0, text.length()) < 2) {
            throw new InvalidRequestException("text", "needs at least 2 characters (the first is the context of the second)");
        }
        Corpus corpus = Corpus.ofText(text, vocabulary);
        return score(corpus, new Region(0, corpus.length()), (done, total) -> { });
    }

    /** Scores a UTF-8 file of any size (read from disk as it goes); {@code progress} gets (minibatches done, total). */
    public Score score(Path textFile, BiConsumer<Integer, Integer> progress) {
        return score(textFile, false, progress);
    }

    /**
     * Scores a UTF-8 file, dropping the characters the model does not know when {@code skipUnknown};
     * otherwise such characters are an {@link InvalidRequestException} on field "file" that lists them.
     */
    public Score score(Path textFile, boolean skipUnknown, BiConsumer<Integer, Integer> progress) {
        return score(textFile, skipUnknown, Long.MAX_VALUE, progress);
    }

    /** As {@link #score(Path, boolean, BiConsumer)}, scoring only the file's first {@code maxChars} characters. */
    public Score score(Path textFile, boolean skipUnknown, long maxChars, BiConsumer<Integer, Integer> progress) {
        Corpus corpus;
        try {
            corpus = Corpus.load(textFile, vocabulary, skipUnknown);
        } catch (org.charrnn.data.UnknownCharactersException e) {
            throw new InvalidRequestException("file", textFile + " has characters the model does not know: "
                    + Vocabulary.describe(new java.util.LinkedHashSet<>(e.unknown())),
                    e.unknown().stream().map(Character::toString).toList());
        } catch (DataException e) {
            throw new CharRnnException(e.getMessage(), e);
        }
        if (corpus.length() < 2) throw new InvalidRequestException("file", textFile + " has fewer than 2 characters to score");
        return score(corpus, new Region(0, Math.min(corpus.length(), maxChars)), progress);
    }

    /** Scores a split (train, val or test) of the text the model was trained on, cut as training cut it. */
    public Score scoreSplit(String split, BiConsumer<Integer, Integer> progress) {
        return scoreSplit(split, Long.MAX_VALUE, progress);
    }

    /** As {@link #scoreSplit(String, BiConsumer)}, scoring only the split's first {@code maxChars} characters. */
    public Score scoreSplit(String split, long maxChars, BiConsumer<Integer, Integer> progress) {
        if (!Set.of("train", "val", "test").contains(split)) {
            throw new InvalidRequestException("split", "'" + split + "' is not allowed; expected one of val, test, train");
        }
        RunConfig config = checkpoint.config();
        String text = config.data().inputShown();
        Corpus corpus = loadText(org.charrnn.data.CorpusSource.of(config.data()));
        Splits splits = Splits.of(config.data(), corpus.length());
        Region region = switch (split) {
            case "test" -> splits.test();
            case "train" -> splits.train();
            default -> splits.val();
        };
        if (region.length() < 2) {
            throw new InvalidRequestException("split", String.format(Locale.ROOT, "the %s split of %s has too few characters to score"
                    + " (data.train_frac %s and data.val_frac %s leave it %d)", split, text, config.data().trainFrac(),
                    config.data().valFrac(), region.length()));
        }
        return score(corpus, new Region(region.start(), Math.min(region.length(), maxChars)), progress);
    }

    /** True when {@link #trace} can run: the network is our one-hot recurrent cells (not DL4J's, no embedding). */
    public boolean canTrace() {
        return stepper != null;
    }

    /** Why {@link #trace} cannot run on this model (when {@link #canTrace()} is false). */
    public String whyNoTrace() {
        return file + " uses the " + checkpoint.core() + " core" + (checkpoint.config().model().embeddingSize() > 0 ? " with an embedding" : "")
                + "; the neuron view needs our one-hot cells (model.core: fused, model.embedding_size: 0)";
    }

    /**
     * Runs {@code text} through the model one character at a time and records every neuron's
     * activation and the five likeliest next characters after each (the neuron view).
     */
    public ActivationTrace trace(String text) {
        if (stepper == null) throw new CharRnnException(whyNoTrace());
        String known = known(text, "text", false);
        if (known.isEmpty()) throw new InvalidRequestException("text", "is empty; expected at least one character");
        return ActivationTrace.of(stepper.fresh(), vocabulary, vocabulary.encode(known, "the text"));
    }

    private Score score(Corpus corpus, Region region, BiConsumer<Integer, Integer> progress) {
        RunConfig config = checkpoint.config();
        Evaluator.Loss loss;
        synchronized (network) {
            loss = Evaluator.evaluate(checkpoint.graph(), corpus, region, config.train().batchSize(), config.train().seqLength(), progress, () -> null);
        }
        return new Score(loss.natsPerChar(), loss.characters());
    }

    private Corpus loadText(org.charrnn.data.CorpusSource text) {
        try {
            return Corpus.load(text, vocabulary, checkpoint.config().data().skipUnknown());
        } catch (DataException e) {
            throw new CharRnnException(e.getMessage(), e);
        }
    }

    /**
     * {@code text}, or without the characters the model does not know when {@code skip}; else an
     * {@link InvalidRequestException} on {@code field} that lists them.
     */
    public String known(String text, String field, boolean skip) {
        Set<Integer> unknown = vocabulary.unknownIn(text);
        if (unknown.isEmpty()) return text;
        if (!skip) {
            throw new InvalidRequestException(field, "has characters the model does not know: " + Vocabulary.describe(unknown),
                    unknown.stream().map(Character::toString).toList());
        }
        StringBuilder kept = new StringBuilder();
        text.codePoints().filter(cp -> vocabulary.indexOf(cp) >= 0).forEach(kept::appendCodePoint);
        return kept.toString();
    }

    private static String coreDescription(String core, ModelConfig.Cell cell, boolean layerNorm) {
        String ours = switch (cell) {
            case GRU -> "GruLayerConfig";
            case RNN -> "RnnLayerConfig";
            case LSTM -> "LstmLayerConfig";
        };
        return switch (core) {
            case "fused" -> "charrnn " + ours + (layerNorm ? ", layer-normalised" : "")
                    + ": exact truncated BPTT, state carried across minibatches";
            case "stock" -> "DL4J " + (cell == ModelConfig.Cell.RNN ? "SimpleRnn" : "LSTM") + ": state reset every minibatch";
            default -> "";
        };
    }
}
