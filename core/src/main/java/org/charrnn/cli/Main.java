package org.charrnn.cli;

import org.charrnn.api.CharRnnException;
import org.charrnn.api.InvalidRequestException;
import org.charrnn.checkpoint.CheckpointException;
import org.charrnn.config.ConfigException;
import org.charrnn.data.DataException;
import org.charrnn.model.kernel.ShapeInfoCache;
import org.charrnn.train.TrainingException;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point: picks the sub-command, and turns every failure into one line on stderr and an exit
 * code — 2 for a usage or config mistake, 1 for anything that went wrong at run time. Stack traces
 * only with --verbose. The only class that calls System.exit.
 */
public final class Main {
    public static final int OK = 0;
    public static final int RUNTIME_ERROR = 1;
    public static final int USAGE_ERROR = 2;

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();
    /**
     * Commands that live in a module of their own and join when it is on the classpath (found through
     * META-INF/services): the product's jar does not carry them. ./charrnn runs each from its module.
     */
    private static final Map<String, String> MODULE_COMMANDS = Map.of("bench", "bench/");
    static {
        for (Command c : new Command[]{new TrainCommand(), new SampleCommand(), new EvalCommand(), new InspectCommand(), new PlotCommand(), new VisualizeCommand(), new ServeCommand()}) {
            COMMANDS.put(c.name(), c);
        }
        for (Command c : java.util.ServiceLoader.load(Command.class)) COMMANDS.putIfAbsent(c.name(), c);
    }

    /** Every command's name, those of modules not on this classpath included. */
    private static java.util.Set<String> commandNames() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>(COMMANDS.keySet());
        names.addAll(MODULE_COMMANDS.keySet());
        return names;
    }

    private Main() {}

    static java.util.Collection<Command> commands() {
        return COMMANDS.values();
    }

    public static void main(String[] args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        // Before anything touches SLF4J: DL4J's INFO chatter only when asked for.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        ShapeInfoCache.install();
        WatchedOutput stdout = new WatchedOutput(new java.io.FileOutputStream(java.io.FileDescriptor.out));
        PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = run(args, out, err);
        out.flush();
        System.exit(outputCheck(code, stdout.failure(), err));
    }

    /**
     * The exit code once standard output is accounted for: a write that failed (a full disk, a
     * closed file) is a run-time failure said in one line, whatever the command returned; a reader
     * that went away (| head) is not.
     */
    static int outputCheck(int code, java.io.IOException failure, PrintStream err) {
        if (failure == null || WatchedOutput.readerWentAway(failure)) return code;
        err.println("charrnn: cannot write to standard output: " + org.charrnn.files.FileProblems.why(failure, java.nio.file.Path.of("-"))
                + "; what was written there is incomplete");
        err.flush();
        return Math.max(code, RUNTIME_ERROR);
    }

    /** Runs a command line and returns the exit code; never exits the JVM (tests call this). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        args = Arrays.stream(args).filter(a -> !a.equals("--verbose")).toArray(String[]::new); // anywhere on the line
        Io io = new Io(out, err, verbose);
        try {
            if (args.length > 0 && (args[0].equals("--version") || args[0].equals("version"))) {
                out.println(version());
                return OK;
            }
            if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
                out.print(usage());
                return args.length == 0 ? USAGE_ERROR : OK;
            }
            Command command = COMMANDS.get(args[0]);
            if (command == null && MODULE_COMMANDS.containsKey(args[0])) {
                throw new UsageException(args[0] + ": not in this classpath: it is the " + MODULE_COMMANDS.get(args[0])
                        + " module's; run it as ./charrnn " + args[0] + " from the repository, which builds and adds that module");
            }
            if (command == null) {
                throw new UsageException("unknown command '" + args[0] + "'"
                        + org.charrnn.config.Suggestions.didYouMean(args[0], commandNames())
                        + "; commands: " + String.join(", ", commandNames()));
            }
            return command.execute(Arrays.copyOfRange(args, 1, args.length), io);
        } catch (MemoryPlan.Relaunch r) {
            List<String> again = new java.util.ArrayList<>(Arrays.asList(args));
            if (verbose) again.add("--verbose");
            return relaunch(MemoryPlan.command(r.heap, r.offHeap, again), io);
        } catch (UsageException | ConfigException | InvalidRequestException e) {
            return fail(io, e, USAGE_ERROR);
        } catch (DataException | CheckpointException | TrainingException | CharRnnException | org.charrnn.files.WriteFailure e) {
            return fail(io, e, RUNTIME_ERROR);
        } catch (OutOfMemoryError e) {
            return fail(io, new RuntimeException("out of memory: try a smaller model or batch_size, or more heap"
                    + " (CHARRNN_HEAP=8g ./charrnn ...)", e), RUNTIME_ERROR);
        } catch (RuntimeException e) {
            String m = e.getMessage();
            return fail(io, new RuntimeException("internal error: " + e.getClass().getSimpleName()
                    + (m == null ? "" : ": " + m.lines().findFirst().orElse("")) + (verbose ? "" : " (--verbose shows the stack trace)"), e),
                    RUNTIME_ERROR);
        }
    }

    /**
     * Runs the command again in a JVM with the heap its model needs, and waits for it: it shares the
     * terminal (Ctrl-C reaches it directly, so this process lets it pass), a SIGTERM sent here is passed
     * on, and its exit code is this one's.
     */
    private static int relaunch(List<String> command, Io io) {
        Process child;
        try {
            child = new ProcessBuilder(command).inheritIO().start();
        } catch (java.io.IOException e) {
            return fail(io, new RuntimeException("cannot start the JVM with the memory this model needs (" + e.getMessage()
                    + "); set CHARRNN_HEAP to run with a heap of your choice"), RUNTIME_ERROR);
        }
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> { });
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> child.destroy());
        } catch (IllegalArgumentException unavailable) {
            // this platform has no such signals: the defaults stay
        }
        while (true) {
            try {
                return child.waitFor();
            } catch (InterruptedException e) {
                child.destroy();
            }
        }
    }

    private static int fail(Io io, Throwable e, int code) {
        io.err().println("charrnn: " + e.getMessage());
        if (io.verbose()) (e.getCause() != null ? e.getCause() : e).printStackTrace(io.err());
        io.err().flush();
        return code;
    }

    /** "charrnn 0.1.0-SNAPSHOT (DL4J 1.0.0-M2.1, Java 17.0.x)", from the version.properties Maven fills in. */
    static String version() {
        java.util.Properties p = new java.util.Properties();
        try (var in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) p.load(in);
        } catch (java.io.IOException e) {
            // an unreadable jar entry: say unknown below
        }
        return "charrnn " + p.getProperty("version", "(unknown version)") + " (DL4J " + p.getProperty("dl4j", "?") + ", Java "
                + System.getProperty("java.version") + ")";
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("usage: charrnn COMMAND [options]\n"
                + "  charrnn COMMAND --help shows its options; --verbose anywhere adds DL4J's log\n"
                + "  and stack traces; charrnn --version\n\ncommands:\n");
        for (Command c : COMMANDS.values()) {
            List<String> lines = ProgressPrinter.wrap(c.summary(), 80 - 11);
            for (int i = 0; i < lines.size(); i++) {
                sb.append(i == 0 ? String.format("  %-8s %s", c.name(), lines.get(i)) : "           " + lines.get(i).strip()).append('\n');
            }
        }
        return sb.toString();
    }
}
