package org.charrnn.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.MissingOptionException;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

import org.charrnn.api.CharRnnModel;
import org.charrnn.api.InvalidRequestException;
import org.charrnn.data.Vocabulary;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringWriter;
import java.util.List;

/** A sub-command: its options, its usage line, and what it does. */
abstract class Command {
    abstract String name();

    abstract String usage();

    abstract String summary();

    abstract Options options();

    /** Whether the command runs ND4J (and so needs the thread policy applied first). */
    boolean computes() {
        return true;
    }

    /**
     * What the command's model takes in memory, worked out before ND4J loads ({@link MemoryPlan}), or
     * null to keep the launcher's limits. By default: the model of the checkpoint (or run directory)
     * given first, when there is one to read; a command's own checks say what is wrong with it.
     */
    org.charrnn.model.MemoryEstimate memoryNeed(CommandLine cmd) {
        if (cmd.getArgList().isEmpty()) return null;
        try {
            java.nio.file.Path ckpt = org.charrnn.checkpoint.RunDirectory.checkpointIn(java.nio.file.Path.of(cmd.getArgList().get(0)));
            org.charrnn.checkpoint.CheckpointReader.Facts f = org.charrnn.checkpoint.CheckpointReader.facts(ckpt);
            return f == null ? null : org.charrnn.model.MemoryEstimate.inference(f.config().model(), f.vocabulary(),
                    f.config().train().batchSize(), f.config().train().seqLength());
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** Runs with parsed arguments; returns the exit code. */
    abstract int run(CommandLine cmd, Io io);

    /** char-rnn's single-dash flags rewritten to ours, for the commands that have them (identity otherwise). */
    String[] translate(String[] args) {
        return args;
    }

    /** char-rnn's -gpuid: -1 (the CPU) is what we do anyway; a GPU id needs the CUDA build, not a flag. */
    void requireCpu(String gpuid) {
        if (!"-1".equals(gpuid)) {
            throw new UsageException(name() + ": -gpuid " + (gpuid == null ? "" : gpuid + " ") + "is not needed: charrnn "
                    + "runs on the CPU (-gpuid -1); a build with mvn -Pcuda (ND4J's CUDA 11.6 backend) uses the GPU without a flag");
        }
    }

    final int execute(String[] args, Io io) {
        args = translate(args);
        Options options = allOptions();
        CommandLine cmd;
        try {
            cmd = new DefaultParser().parse(options, args);
        } catch (UnrecognizedOptionException e) {
            List<String> known = options.getOptions().stream().filter(o -> o.getLongOpt() != null).map(o -> "--" + o.getLongOpt()).toList();
            String hint = org.charrnn.config.Suggestions.didYouMean(e.getOption(), known);
            throw new UsageException(name() + ": unknown option " + e.getOption() + hint + "; see charrnn " + name() + " --help");
        } catch (MissingArgumentException e) {
            throw new UsageException(name() + ": option --" + e.getOption().getLongOpt() + " needs a value; see charrnn "
                    + name() + " --help");
        } catch (MissingOptionException e) {
            throw new UsageException(name() + ": missing option " + e.getMissingOptions() + "; see charrnn " + name() + " --help");
        } catch (ParseException e) {
            throw new UsageException(name() + ": " + e.getMessage() + "; see charrnn " + name() + " --help");
        }
        refuseRepeated(cmd);
        if (cmd.hasOption("help")) {
            io.out().print(help());
            return 0;
        }
        if (computes()) {
            MemoryPlan.apply(memoryNeed(cmd)); // before ND4J loads: its limits are read once
            Threads.apply();
        }
        return run(cmd, io);
    }

    /** Options that may be given more than once (each occurrence adds a value), such as train's --set. */
    java.util.Set<String> repeatable() {
        return java.util.Set.of();
    }

    /** An option given twice would have one of its values ignored: refused, naming both. */
    private void refuseRepeated(CommandLine cmd) {
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        for (org.apache.commons.cli.Option o : cmd.getOptions()) {
            String name = o.getLongOpt() != null ? o.getLongOpt() : o.getOpt();
            if (repeatable().contains(name)) continue;
            String value = o.hasArg() ? o.getValue() : "";
            String earlier = seen.put(name, value);
            if (earlier != null) {
                throw new UsageException(name() + ": --" + name + " is given twice" + (o.hasArg() ? " ('" + earlier + "', '" + value + "')" : "")
                        + "; give it once");
            }
        }
    }

    /** The command's own options and the two every command has. */
    private Options allOptions() {
        Options options = options();
        options.addOption(null, "verbose", false, "show DL4J's log and stack traces (anywhere on the line)");
        options.addOption("h", "help", false, "show this help");
        return options;
    }

    String help() {
        StringWriter sw = new StringWriter();
        String footer = usage().contains("CKPT") ? "\nCKPT is a checkpoint file, or a run directory (its best.zip, else its last.zip)." : "";
        new HelpFormatter().printHelp(new PrintWriter(sw), 80, "charrnn " + usage(), summary(), allOptions(), 2, 2, footer);
        return sw.toString();
    }

    /** The one positional argument a command takes (a config or a checkpoint). */
    String positional(CommandLine cmd, String what) {
        List<String> rest = cmd.getArgList();
        if (rest.isEmpty()) throw new UsageException(name() + ": missing " + what + "; usage: charrnn " + usage());
        if (rest.size() > 1) throw new UsageException(name() + ": unexpected argument '" + rest.get(1) + "'; usage: charrnn " + usage());
        return rest.get(0);
    }

    /**
     * The model a command reads: a checkpoint file, or a run directory standing for its best.zip
     * (else its last.zip), said on stderr so the user knows which.
     */
    Path checkpoint(CommandLine cmd, Io io) {
        Path given = Path.of(positional(cmd, "CKPT"));
        Path file = org.charrnn.checkpoint.RunDirectory.checkpointIn(given);
        if (!file.equals(given)) io.err().println("Using " + file);
        return file;
    }

    static int intOption(CommandLine cmd, String opt, int def, int min, int max) {
        String v = cmd.getOptionValue(opt);
        if (v == null) return def;
        try {
            int x = Integer.parseInt(v.trim());
            if (x < min || x > max) throw new NumberFormatException();
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + opt + ": '" + v + "' is not allowed; expected an integer in [" + min + ", " + max + "]");
        }
    }

    static double positiveDouble(CommandLine cmd, String opt, double def) {
        String v = cmd.getOptionValue(opt);
        if (v == null) return def;
        try {
            double x = Double.parseDouble(v.trim());
            if (!(x > 0) || Double.isInfinite(x)) throw new NumberFormatException();
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + opt + ": '" + v + "' is not allowed; expected a number > 0");
        }
    }

    /** Prime texts and texts to visualize are read whole: far beyond any real one, well short of the heap. */
    static final long MAX_TEXT_BYTES = 64L << 20;

    /** A whole UTF-8 text file named by a flag, or a one-line usage error naming the flag. */
    static String readUtf8(String flag, Path p) {
        if (Files.exists(p) && !Files.isRegularFile(p)) {
            throw new UsageException(flag + ": " + p + " is not a regular file (a directory, pipe or device); expected a UTF-8 text file");
        }
        try {
            if (Files.size(p) > MAX_TEXT_BYTES) {
                throw new UsageException(flag + ": " + p + " is larger than " + (MAX_TEXT_BYTES >> 20) + " MiB; give a shorter text");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(p))).toString();
        } catch (CharacterCodingException e) {
            throw new UsageException(flag + ": " + p + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UsageException(flag + ": cannot read " + p + " (" + (Files.exists(p) ? e.getMessage() : "file not found") + ")");
        }
    }

    /**
     * {@code text} when the model knows all its characters; otherwise the text without them if
     * {@code skip}, or a usage error listing them.
     */
    String knownCharacters(CharRnnModel model, String text, Path file, String what, boolean skip) {
        try {
            return model.known(text, what, skip);
        } catch (InvalidRequestException e) {
            throw new UsageException(name() + ": " + what + " has characters " + file + " does not know: "
                    + Vocabulary.describe(e.unknown().stream().map(c -> c.codePointAt(0)).toList()) + " (drop them with --skip-unknown)");
        }
    }

    /**
     * An --out file a command is about to (over)write: its name must end in the extension of what
     * it writes, so a slip of the keyboard cannot replace a checkpoint or a text with a picture.
     */
    static Path outputFile(String command, Path out, String extension) {
        String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (!name.endsWith(extension) || name.length() == extension.length()) {
            throw new UsageException(command + ": --out " + out + ": expected a file name ending in " + extension
                    + " (it would replace what is there)");
        }
        if (java.nio.file.Files.isDirectory(out)) throw new UsageException(command + ": --out " + out + " is a directory");
        return out;
    }

    static long longOption(CommandLine cmd, String opt, long def) {
        String v = cmd.getOptionValue(opt);
        if (v == null) return def;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + opt + ": '" + v + "' is not allowed; expected an integer");
        }
    }
}
