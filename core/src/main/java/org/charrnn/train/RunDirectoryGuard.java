package org.charrnn.train;

import org.charrnn.config.ConfigException;
import org.charrnn.config.RunConfig;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Nothing saved is taken over: a run writes only into a directory that is empty, its own, or the
 * one its checkpoint came from, and never replaces files of those names that no run wrote.
 */
final class RunDirectoryGuard {
    private RunDirectoryGuard() {}

    /**
     * A run writes metrics.jsonl and samples.txt into its directory: files of those names that no
     * run wrote (a user's own) are never taken over.
     */
    static void requireOurFiles(CheckpointStore store, RunConfig config) {
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

    /** A fresh run must not overwrite anything of an earlier one: its checkpoints or its metrics. */
    static void requireNoEarlierRun(CheckpointStore store, RunConfig config) {
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
    static void requireSameRunOrEmpty(CheckpointStore store, Path checkpoint) {
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
}
