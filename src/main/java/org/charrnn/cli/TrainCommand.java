package org.charrnn.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.charrnn.checkpoint.TrainingState;
import org.charrnn.config.ConfigLoader;
import org.charrnn.config.RunConfig;
import org.charrnn.train.CheckpointStore;
import org.charrnn.train.TrainingEvents;
import org.charrnn.train.TrainingRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** charrnn train CONFIG [--resume CKPT | --init-from CKPT] [--set key=value ...] */
final class TrainCommand extends Command {
    @Override
    String name() {
        return "train";
    }

    @Override
    String usage() {
        return "train CONFIG.yaml [--resume CKPT|last|best] [--init-from CKPT] [--set key=value ...]";
    }

    @Override
    String summary() {
        return "Train a character-level language model from a YAML config.";
    }

    @Override
    Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("resume").hasArg().argName("CKPT")
                        .desc("continue a run exactly from a checkpoint ('last' or 'best' = that file in the checkpoint_dir)").build())
                .addOption(Option.builder().longOpt("init-from").hasArg().argName("CKPT")
                        .desc("start a new run from a checkpoint's weights (fine-tuning)").build())
                .addOption(Option.builder().longOpt("set").hasArg().argName("KEY=VALUE")
                        .desc("override a config key, e.g. --set train.batch_size=100 (repeatable)").build());
    }

    @Override
    int run(CommandLine cmd, Io io) {
        Path configFile = Path.of(positional(cmd, "CONFIG.yaml"));
        String[] sets = cmd.getOptionValues("set");
        RunConfig config = ConfigLoader.load(configFile, sets == null ? List.of() : List.of(sets));
        if (cmd.hasOption("resume") && cmd.hasOption("init-from")) {
            throw new UsageException("train: --resume and --init-from exclude each other: resume continues a run, init-from starts a new one");
        }
        TrainingRun.Mode mode = TrainingRun.Mode.FRESH;
        Path checkpoint = null;
        if (cmd.hasOption("resume")) {
            mode = TrainingRun.Mode.RESUME;
            checkpoint = resolve(cmd.getOptionValue("resume"), config, CheckpointStore.LAST);
        } else if (cmd.hasOption("init-from")) {
            mode = TrainingRun.Mode.INIT_FROM;
            checkpoint = resolveInitFrom(cmd.getOptionValue("init-from"), config);
        }
        ProgressPrinter printer = new ProgressPrinter(io.out()).withThreads(Threads.describe());
        TrainingState end;
        long startIteration;
        int startValidations;
        try (TrainingRun run = TrainingRun.prepare(config, mode, checkpoint, printer);
             Interruption interruption = Interruption.install(io.err())) {
            TrainingEvents events = TrainingEvents.all(printer, interruption);
            startIteration = run.start().iteration();
            startValidations = run.start().validations().size();
            end = run.run(events);
            if (interruption.stoppedAt() >= 0) {
                io.out().printf(Locale.ROOT, "Interrupted at iteration %d (epoch %.2f); saved %s. Continue with: charrnn train %s"
                                + " --resume last%n", end.iteration(), end.epoch(), interruption.savedTo(),
                        String.join(" ", arguments(configFile, sets)));
                return Interruption.EXIT_CODE;
            }
        }
        if (mode == TrainingRun.Mode.RESUME && end.iteration() == startIteration && end.validations().size() == startValidations
                && end.iteration() >= end.iterationsPerEpoch() * (long) config.train().maxEpochs()) {
            io.out().printf(Locale.ROOT, "Nothing to train: this run already finished its train.max_epochs %d (iteration %d);"
                            + " to train on, raise it: charrnn train %s --resume last --set train.max_epochs=%d%n",
                    config.train().maxEpochs(), end.iteration(), configFile, config.train().maxEpochs() * 2);
            return 0;
        }
        io.out().printf(Locale.ROOT, "Done: %d iterations (epoch %.2f), best val_loss %.4f in %s%n",
                end.iteration(), end.epoch(), end.bestValLoss(), config.train().checkpointDir());
        return 0;
    }

    /** The config and its --set overrides, as they would be typed again. */
    private static List<String> arguments(Path configFile, String[] sets) {
        List<String> a = new java.util.ArrayList<>(List.of(configFile.toString()));
        if (sets != null) for (String s : sets) a.add("--set " + s);
        return a;
    }

    /**
     * 'last' and 'best' name those files in the config's checkpoint directory; a run directory
     * stands for its {@code inDirectory} file (last.zip to resume, best.zip to start from).
     */
    static Path resolve(String given, RunConfig config, String inDirectory) {
        if (given.equals("last") || given.equals("best")) {
            return Path.of(config.train().checkpointDir()).resolve(given.equals("last") ? CheckpointStore.LAST : CheckpointStore.BEST);
        }
        Path p = Path.of(given);
        return Files.isDirectory(p) ? p.resolve(inDirectory) : p;
    }

    /** A path relative to the working directory when it lies under it, else absolute. */
    private static String shown(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }

    /**
     * --init-from starts a new run, whose own directory has no checkpoint yet: 'best' or 'last'
     * there is a mistake, answered with the runs that do have one.
     */
    private static Path resolveInitFrom(String given, RunConfig config) {
        Path p = resolve(given, config, CheckpointStore.BEST);
        if ((given.equals("best") || given.equals("last")) && !Files.exists(p)) {
            List<String> runs = new java.util.ArrayList<>();
            Path models = Path.of(config.train().checkpointDir()).toAbsolutePath().getParent();
            if (models != null && Files.isDirectory(models)) {
                try (var dirs = Files.list(models)) {
                    dirs.filter(d -> Files.isRegularFile(d.resolve(CheckpointStore.BEST))).sorted().limit(5)
                            .forEach(d -> runs.add(shown(d.resolve(CheckpointStore.BEST))));
                } catch (java.io.IOException e) {
                    // no list to offer
                }
            }
            throw new UsageException("train: --init-from " + given + ": " + p + " does not exist: --init-from starts a new run"
                    + " from another run's checkpoint; give its file or run directory"
                    + (runs.isEmpty() ? ", e.g. --init-from models/tinyshakespeare/best.zip" : " (" + String.join(", ", runs) + ")"));
        }
        return p;
    }
}
