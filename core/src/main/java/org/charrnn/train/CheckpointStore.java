package org.charrnn.train;

import org.charrnn.checkpoint.CheckpointException;
import org.charrnn.checkpoint.CheckpointWriter;
import org.charrnn.checkpoint.TrainingState;
import org.charrnn.data.Vocabulary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run's checkpoint directory: named checkpoints lm_&lt;savefile&gt;_epoch&lt;e&gt;_&lt;loss&gt;.zip
 * (char-rnn's names), plus last.zip and best.zip kept current, and only the newest {@code keep}
 * named ones kept. Every file is written atomically; retention deletes only older named files.
 */
public final class CheckpointStore {
    public static final String LAST = org.charrnn.checkpoint.RunDirectory.LAST;
    public static final String BEST = org.charrnn.checkpoint.RunDirectory.BEST;

    private final Path dir;
    private final String savefile;
    private final int keep;
    private final CheckpointWriter writer;
    private final Pattern named;

    public CheckpointStore(Path dir, String savefile, int keep, CheckpointWriter writer) {
        this.dir = dir;
        this.savefile = savefile;
        this.keep = keep;
        this.writer = writer;
        this.named = Pattern.compile("lm_" + Pattern.quote(savefile) + "_epoch(\\d+\\.\\d+)_(\\d+\\.\\d+)\\.zip");
    }

    public Path dir() {
        return dir;
    }

    public static String fileName(String savefile, double epoch, double valLoss) {
        return String.format(Locale.ROOT, "lm_%s_epoch%.2f_%.4f.zip", savefile, epoch, valLoss);
    }

    /**
     * Saves under the named file (if keep &gt; 0), last.zip, and best.zip when {@code best}; returns the
     * primary path. {@code trainingWeights}: what training continues from when the graph holds averaged
     * weights (null: the graph's own).
     */
    public Path save(ComputationGraph graph, INDArray trainingWeights, Vocabulary vocabulary, String configYaml, TrainingState state,
                     String core, double valLoss, boolean best) {
        ensureDirectory();
        // last.zip first: a run killed part-way through these writes always has a last.zip to resume. The
        // other names are links to it (no file is ever changed in place: the next last.zip is a new file).
        Path last = dir.resolve(LAST);
        writer.write(last, graph, vocabulary, configYaml, state, core, trainingWeights);
        Path primary = last;
        if (keep > 0) {
            primary = dir.resolve(fileName(savefile, state.epoch(), valLoss));
            writer.link(last, primary);
        }
        if (best) writer.link(last, dir.resolve(BEST));
        prune(primary);
        return primary;
    }

    /** Saves last.zip only (a stop between validations: no validation loss to name or rank it by). */
    public Path saveLast(ComputationGraph graph, INDArray trainingWeights, Vocabulary vocabulary, String configYaml, TrainingState state,
                         String core) {
        ensureDirectory();
        Path last = dir.resolve(LAST);
        writer.write(last, graph, vocabulary, configYaml, state, core, trainingWeights);
        return last;
    }

    public void ensureDirectory() {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CheckpointException("train.checkpoint_dir: " + dir + " is a file, not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CheckpointException("train.checkpoint_dir: cannot create " + dir + ": " + org.charrnn.files.FileProblems.why(e, dir));
        }
        if (!Files.isWritable(dir)) {
            throw new CheckpointException("train.checkpoint_dir: " + dir + " is not writable (permission denied)");
        }
    }

    /** Deletes the directory when it holds nothing but the run lock's file (a run that failed before it began). */
    public void removeIfUnused() {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.toList();
            if (files.stream().allMatch(f -> f.getFileName().toString().equals(RunLock.FILE))) {
                for (Path f : files) Files.deleteIfExists(f);
                Files.deleteIfExists(dir);
            }
        } catch (IOException ignored) {
            // an empty directory left behind is untidy, not harmful
        }
    }

    /** Deletes temp files an interrupted write left (.NAME.RANDOM.tmp); call only while holding the run lock. */
    public void removeStaleTemporaries() {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path stale : s.filter(f -> f.getFileName().toString().matches("\\..+\\.[0-9a-f]+\\.tmp")).toList()) {
                Files.deleteIfExists(stale);
            }
        } catch (IOException ignored) {
            // leftovers are harmless: never under a final name
        }
    }

    /**
     * A checkpoint of an earlier run in this directory — last.zip, best.zip or a named checkpoint
     * (any savefile) — or null when there is none. (A metrics.jsonl alone is a run killed before
     * its first checkpoint: a new run replaces it once it commits one, see MetricsLog.)
     */
    public Path earlierRun() {
        for (String name : List.of(LAST, BEST)) {
            if (Files.exists(dir.resolve(name))) return dir.resolve(name);
        }
        if (!Files.isDirectory(dir)) return null;
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("lm_.*\\.zip")).sorted().findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** Named checkpoints in this directory, oldest (lowest epoch) first. */
    public List<Path> namedCheckpoints() {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = new ArrayList<>(s.filter(p -> named.matcher(p.getFileName().toString()).matches()).toList());
            out.sort(Comparator.comparingDouble(this::epochOf));
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    private double epochOf(Path p) {
        Matcher m = named.matcher(p.getFileName().toString());
        return m.matches() ? Double.parseDouble(m.group(1)) : -1;
    }

    private void prune(Path justWritten) {
        List<Path> all = namedCheckpoints();
        for (int i = 0; i < all.size() - keep; i++) {
            Path p = all.get(i);
            if (p.equals(justWritten)) continue;
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // an old checkpoint we could not delete is only a wasted file
            }
        }
    }
}
