package org.charrnn.train;

import org.charrnn.config.ConfigException;
import org.charrnn.config.RunConfig;
import org.charrnn.data.Corpus;
import org.charrnn.data.CorpusDownloader;
import org.charrnn.data.Splits;
import org.charrnn.data.StreamLayout;
import org.charrnn.data.Vocabulary;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The text a run trains on: there (downloaded and checked when the config says where from), read in
 * a checkpoint's vocabulary when there is one, and long enough for a minibatch; sample.prime in it.
 */
final class RunText {
    private RunText() {}

    static void ensureText(RunConfig config, org.charrnn.data.CorpusSource source, TrainingEvents events) {
        for (String given : config.data().input()) {
            if (org.charrnn.data.RemoteTexts.isRemote(given)) org.charrnn.data.RemoteTexts.fetch(given, events::message);
        }
        for (Path input : source.inputs()) ensureText(config, input, source.inputs().size() == 1, events);
    }

    static void ensureText(RunConfig config, Path input, boolean downloadable, TrainingEvents events) {
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

    /** The text in a checkpoint's vocabulary: characters it lacks dropped (and said) under data.skip_unknown, else refused. */
    static Corpus loadInVocabulary(org.charrnn.data.CorpusSource input, Vocabulary vocabulary, RunConfig config,
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

    /** sample.prime is fed to the model: every character must be one the text has. */
    static void requirePrimeKnown(RunConfig config, Vocabulary vocabulary) {
        java.util.Set<Integer> unknown = vocabulary.unknownIn(config.sample().prime());
        if (config.sample().every() > 0 && !unknown.isEmpty()) {
            throw new ConfigException(config.source() + ": sample.prime has characters " + config.data().inputShown() + " does not have: "
                    + Vocabulary.describe(unknown) + "; use only the text's own characters (or sample.every: 0)");
        }
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

    /** One distinct character leaves nothing to predict. */
    static void requireMoreThanOneCharacter(RunConfig config, Corpus corpus) {
        if (corpus.vocabulary().size() < 2) {
            throw new org.charrnn.data.DataException(config.data().inputShown() + ": the text has only one distinct character ("
                    + Vocabulary.describe(corpus.vocabulary().codePoint(0)) + "); there is nothing to learn");
        }
    }
}
