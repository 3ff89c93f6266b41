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
        return "train CONFIG.yaml|--text FILE [--resume CKPT|last|best] [--init-from CKPT] [--set key=value ...]";
    }

    @Override
    String summary() {
        return "Train a character-level language model from a YAML config, or on a text with the quickstart recipe"
                + " (--text). char-rnn's train.lua flags work too: -rnn_size 512 is --set model.rnn_size=512,"
                + " -data_dir D is --text D/input.txt.";
    }

    /** char-rnn's train.lua flags that are one of our config keys (the key is the flag's name in its section). */
    private static final List<String> CHAR_RNN_KEYS = List.of("rnn_size", "num_layers", "dropout", "seq_length", "batch_size",
            "max_epochs", "learning_rate", "learning_rate_decay", "learning_rate_decay_after", "decay_rate", "grad_clip",
            "train_frac", "val_frac", "seed", "print_every", "eval_val_every", "checkpoint_dir", "savefile");
    /** char-rnn's flags that are ours under another name, or that need no counterpart here. */
    private static final List<String> CHAR_RNN_OTHERS = List.of("model", "init_from", "data_dir", "gpuid", "opencl",
            "accurate_gpu_timing");

    /**
     * char-rnn's {@code -flag value} pairs rewritten to ours: a config key becomes --set (so
     * -rnn_size 512 is --set model.rnn_size=512), -data_dir D is D/input.txt with the recipe,
     * -init_from is --init-from. Another single-dash word is refused with the nearest flag.
     */
    @Override
    String[] translate(String[] args) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--skip-unknown")) { // a config key: a resume must keep it, so it travels as one
                out.addAll(List.of("--set", "data.skip_unknown=true"));
                continue;
            }
            if (!a.matches("-[a-z][a-z_]+")) {
                out.add(a);
                continue;
            }
            String flag = a.substring(1);
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (!CHAR_RNN_KEYS.contains(flag) && !CHAR_RNN_OTHERS.contains(flag)) {
                List<String> known = new java.util.ArrayList<>(CHAR_RNN_KEYS.stream().map(f -> "-" + f).toList());
                CHAR_RNN_OTHERS.forEach(f -> known.add("-" + f));
                known.addAll(List.of("--text", "--resume", "--init-from", "--set"));
                throw new UsageException("train: unknown option " + a + org.charrnn.config.Suggestions.didYouMean(a, known)
                        + "; char-rnn's flags map to config keys (-rnn_size 512 is --set model.rnn_size=512): see charrnn train --help");
            }
            if (value == null) throw new UsageException("train: " + a + " needs a value; see charrnn train --help");
            i++;
            switch (flag) {
                case "model" -> out.addAll(List.of("--set", "model.type=" + value));
                case "init_from" -> out.addAll(List.of("--init-from", value));
                case "data_dir" -> out.addAll(List.of("--set", "data.input=" + Path.of(value).resolve("input.txt")));
                case "gpuid" -> requireCpu(value);
                case "opencl" -> {
                    if (!"0".equals(value)) throw new UsageException("train: -opencl " + value + " is not available: charrnn runs on the CPU");
                }
                case "accurate_gpu_timing" -> { } // no GPU to time
                default -> out.addAll(List.of("--set", charRnnKey(flag) + "=" + value));
            }
        }
        return out.toArray(String[]::new);
    }

    /** The config key a char-rnn flag names: the one key whose name in its section is the flag. */
    private static String charRnnKey(String flag) {
        List<String> keys = org.charrnn.config.ConfigSchema.KEYS.stream().map(org.charrnn.config.Key::name)
                .filter(k -> k.endsWith("." + flag)).toList();
        if (keys.size() != 1) throw new IllegalStateException("char-rnn's -" + flag + " matches keys " + keys);
        return keys.get(0);
    }

    @Override
    java.util.Set<String> repeatable() {
        return java.util.Set.of("set");
    }

    @Override
    Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("text").hasArg().argName("FILE")
                        .desc("train on this text with the quickstart recipe, in a run named after it (no config needed)").build())
                .addOption(Option.builder().longOpt("resume").hasArg().argName("CKPT")
                        .desc("continue a run exactly from a checkpoint ('last' or 'best' = that file in the checkpoint_dir)").build())
                .addOption(Option.builder().longOpt("init-from").hasArg().argName("CKPT")
                        .desc("start a new run from a checkpoint's weights (fine-tuning)").build())
                .addOption(Option.builder().longOpt("skip-unknown")
                        .desc("drop the characters the model lacks from the text (--init-from), instead of refusing it").build())
                .addOption(Option.builder().longOpt("check")
                        .desc("check the config, the flags and the checkpoint named, then exit without training (0 when all is well)")
                        .build())
                .addOption(Option.builder().longOpt("set").hasArg().argName("KEY=VALUE")
                        .desc("override a config key, e.g. --set train.batch_size=100 (repeatable)").build());
    }

    /** What a train command line asks for: the config, the mode, the checkpoint it starts from, how it was typed. */
    private record Request(RunConfig config, TrainingRun.Mode mode, Path checkpoint, List<String> source, String[] sets) {}

    private CommandLine requested;
    private Request request;

    /** The command line resolved once, for the memory plan and then the run. */
    private Request request(CommandLine cmd) {
        if (requested != cmd) {
            request = resolveRequest(cmd);
            requested = cmd;
        }
        return request;
    }

    /** What training this config takes in memory (the widest auto size it may choose), before ND4J is loaded. */
    @Override
    org.charrnn.model.MemoryEstimate memoryNeed(CommandLine cmd) {
        Request r = request(cmd);
        if (cmd.hasOption("check")) return null; // nothing to train, nothing to size
        return TrainingRun.memoryNeed(r.config(), r.mode(), r.checkpoint());
    }

    private Request resolveRequest(CommandLine cmd) {
        String[] sets = cmd.getOptionValues("set");
        List<String> overrides = sets == null ? List.of() : List.of(sets);
        ConfigLoader.requireEachKeyOnce(overrides);
        List<String> source = source(cmd, overrides);
        RunConfig config = source.get(0).equals("--text") ? textRecipe(Path.of(source.get(1)), overrides)
                : ConfigLoader.load(Path.of(source.get(0)), overrides);
        if (cmd.hasOption("resume") && cmd.hasOption("init-from")) {
            throw new UsageException("train: --resume and --init-from exclude each other: resume continues a run, init-from starts a new one");
        }
        TrainingRun.Mode mode = TrainingRun.Mode.FRESH;
        Path checkpoint = null;
        if (cmd.hasOption("resume")) {
            mode = TrainingRun.Mode.RESUME;
            String given = cmd.getOptionValue("resume");
            if (given.isBlank()) {
                throw new UsageException("train: --resume: an empty value; give a checkpoint file, a run directory, last or best");
            }
            checkpoint = resolve(given, config, CheckpointStore.LAST);
            if (!Files.exists(checkpoint)) {
                throw new UsageException("train: --resume " + given + ": " + checkpoint + " does not exist"
                        + (given.equals("last") || given.equals("best") ? " (no run has saved one in " + config.train().checkpointDir()
                        + " yet; train without --resume to start it)" : ""));
            }
        } else if (cmd.hasOption("init-from")) {
            mode = TrainingRun.Mode.INIT_FROM;
            checkpoint = resolveInitFrom(cmd.getOptionValue("init-from"), config);
        }
        return new Request(config, mode, checkpoint, source, sets);
    }

    /** A step that failed elsewhere (a Spark worker or master): what happened, what was kept and how to go on. */
    private static int stepFailed(org.charrnn.train.StepFailure failure, List<String> source, String[] sets, Io io) {
        io.err().println("charrnn: " + failure.getMessage());
        List<String> again = new java.util.ArrayList<>(List.of("train"));
        again.addAll(arguments(source, sets));
        if (failure.saved() == null) {
            io.err().println("  nothing was trained in this session, so nothing was lost; once that is fixed, run the same command again");
            return Main.RUNTIME_ERROR;
        }
        io.err().printf(Locale.ROOT, "  saved %s at iteration %d, the last update applied; continue with:%n", failure.saved(),
                failure.lastApplied());
        again.addAll(List.of("--resume", "last"));
        ShellCommand.lines("  ", again).forEach(io.err()::println);
        io.err().println("  (or on this machine alone: add --set distributed.workers=0)");
        return Main.RUNTIME_ERROR;
    }

    @Override
    int run(CommandLine cmd, Io io) {
        Request r = request(cmd);
        RunConfig config = r.config();
        if (cmd.hasOption("check")) {
            io.out().println("train: " + String.join(" ", r.source()) + ": the config and flags are valid"
                    + (r.checkpoint() == null ? "" : "; " + r.mode().toString().toLowerCase(Locale.ROOT).replace('_', '-') + " from "
                    + r.checkpoint()));
            return 0;
        }
        TrainingRun.Mode mode = r.mode();
        Path checkpoint = r.checkpoint();
        List<String> source = r.source();
        String[] sets = r.sets();
        ProgressPrinter printer = new ProgressPrinter(io.out()).withThreads(Threads.describe()).withMemory(MemoryPlan.describe());
        TrainingState end;
        RunConfig trained;
        long startIteration;
        int startValidations;
        try (TrainingRun run = TrainingRun.prepare(config, mode, checkpoint, printer);
             Interruption interruption = Interruption.install(io.err())) {
            TrainingEvents events = TrainingEvents.all(printer, interruption);
            trained = run.config();
            startIteration = run.start().iteration();
            startValidations = run.start().validations().size();
            try {
                end = run.run(events);
            } catch (org.charrnn.train.StepFailure failure) {
                return stepFailed(failure, source, sets, io);
            }
            if (interruption.stoppedAt() >= 0) {
                io.out().printf(Locale.ROOT, "Interrupted at iteration %d (epoch %.2f); saved %s. Continue with:%n", end.iteration(),
                        end.epoch(), interruption.savedTo());
                List<String> again = new java.util.ArrayList<>(List.of("train"));
                again.addAll(arguments(source, sets));
                again.addAll(List.of("--resume", "last"));
                ShellCommand.lines("  ", again).forEach(io.out()::println);
                return Interruption.EXIT_CODE;
            }
        }
        if (mode == TrainingRun.Mode.RESUME && end.iteration() == startIteration && end.validations().size() == startValidations
                && end.iteration() >= end.iterationsPerEpoch() * (long) trained.train().maxEpochs()) {
            io.out().printf(Locale.ROOT, "Nothing to train: this run already finished its train.max_epochs %d (iteration %d);"
                    + " to train on, raise it:%n", trained.train().maxEpochs(), end.iteration());
            // model.size auto keeps the checkpoint's end; as_set with the checkpoint's size lets a higher one count
            List<String> replaced = new java.util.ArrayList<>(List.of("train.max_epochs=" + trained.train().maxEpochs() * 2));
            if (config.model().autoSize()) {
                replaced.addAll(List.of("model.size=as_set", "model.rnn_size=" + trained.model().rnnSize(),
                        "model.dropout=" + trained.model().dropout()));
            }
            List<String> kept = new java.util.ArrayList<>();
            if (sets != null) {
                for (String s : sets) {
                    String key = s.substring(0, Math.max(0, s.indexOf('=') + 1));
                    if (replaced.stream().noneMatch(x -> x.startsWith(key))) kept.add(s);
                }
            }
            List<String> more = new java.util.ArrayList<>(List.of("train"));
            more.addAll(arguments(source, kept.toArray(String[]::new)));
            more.addAll(List.of("--resume", "last"));
            for (String setting : replaced) more.addAll(List.of("--set", setting));
            ShellCommand.lines("  ", more).forEach(io.out()::println);
            return 0;
        }
        io.out().printf(Locale.ROOT, "Done: %d iterations (epoch %.2f), %s in %s%n", end.iteration(), end.epoch(),
                Double.isFinite(end.bestValLoss()) ? String.format(Locale.ROOT, "best val_loss %.4f", end.bestValLoss())
                        : config.data().valFrac() == 0 ? "no validation split (data.val_frac 0): checkpoints ranked by train loss"
                        : "no validation finished yet (last.zip holds the run)", config.train().checkpointDir());
        if (printer.session() != null && printer.session().iterations() > 0) {
            io.out().println("  " + ProgressPrinter.paceLine(printer.session()));
        }
        return 0;
    }

    /**
     * What the run is configured from, as typed: [CONFIG.yaml] or [--text, FILE]. With neither, a
     * --set data.input (which char-rnn's -data_dir becomes) means the recipe on that text.
     */
    private List<String> source(CommandLine cmd, List<String> overrides) {
        boolean byText = cmd.hasOption("text");
        if (byText && !cmd.getArgList().isEmpty()) {
            throw new UsageException("train: give CONFIG.yaml or --text FILE, not both (a config trains on another text with"
                    + " --set data.input=FILE)");
        }
        if (byText) return List.of("--text", cmd.getOptionValue("text"));
        if (cmd.getArgList().isEmpty()) {
            for (String o : overrides) {
                if (o.startsWith("data.input=")) return List.of("--text", o.substring("data.input=".length()));
            }
        }
        return List.of(positional(cmd, "CONFIG.yaml (or --text FILE)"));
    }

    private static RunConfig textRecipe(Path text, List<String> overrides) {
        if (text.toString().isBlank()) throw new UsageException("--text: an empty value; expected a UTF-8 text file");
        if (!Files.exists(text)) {
            String where = text.isAbsolute() ? "" : " (relative to the working directory " + Path.of("").toAbsolutePath() + ")";
            throw new UsageException("--text: " + text + " does not exist" + where);
        }
        if (text.toString().endsWith(".yaml") || text.toString().endsWith(".yml")) {
            throw new UsageException("--text: " + text + " is a config, not a text to train on; give it without --text");
        }
        return org.charrnn.config.TextRecipe.forText(text, overrides.stream().filter(o -> !o.startsWith("data.input=")).toList());
    }

    /** The config (or --text FILE) and its --set overrides, as they would be typed again. */
    private static List<String> arguments(List<String> source, String[] sets) {
        List<String> a = new java.util.ArrayList<>(source);
        if (sets != null) {
            for (String s : sets) {
                a.add("--set");
                a.add(s);
            }
        }
        return a;
    }

    /**
     * 'last' and 'best' name those files in the config's checkpoint directory; a run directory
     * stands for its last.zip to resume, and for its best.zip (else last.zip) to start from.
     */
    static Path resolve(String given, RunConfig config, String inDirectory) {
        if (given.equals("last") || given.equals("best")) {
            return Path.of(config.train().checkpointDir()).resolve(given.equals("last") ? CheckpointStore.LAST : CheckpointStore.BEST);
        }
        Path p = Path.of(given);
        if (!Files.isDirectory(p)) return p;
        // A resume continues from last.zip; a start from weights reads a directory as every command does.
        return inDirectory.equals(CheckpointStore.LAST) ? p.resolve(inDirectory) : org.charrnn.checkpoint.RunDirectory.checkpointIn(p);
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
