package org.charrnn.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.charrnn.bench.StartupBenchmark;
import org.charrnn.bench.BenchModel;
import org.charrnn.bench.EpochBenchmark;
import org.charrnn.bench.Measurements;
import org.charrnn.bench.OurBenchmark;
import org.charrnn.bench.LibtorchPeer;
import org.charrnn.bench.Peer;
import org.charrnn.bench.TorchPeer;
import org.charrnn.bench.ServeLoadBenchmark;
import org.charrnn.bench.SpeedBenchmark;
import org.charrnn.bench.ThreadSetting;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * charrnn bench [--models 2x128,gru:2x128,...] [--rounds 3] [--seconds 8] [--threads 1,2] [--peer]:
 * training and sampling speed, peak memory and fraction of the machine's sgemm peak; with --peer,
 * the PyTorch reference on the same cells and shapes in the same run, alternating round by round
 * (and for min-char-rnn's shape, rnn:1x100:b1:s25:adagrad, the numpy gist too).
 */
public final class BenchCommand extends Command {
    /** Found by Main through META-INF/services, which needs a public class and constructor. */
    public BenchCommand() {}

    @Override
    String name() {
        return "bench";
    }

    @Override
    String usage() {
        return "bench [--models 2x128,2x128:b100:s100,3x512] [--rounds 3] [--seconds 8] [--threads 1,2,1:2] [--text FILE]"
                + " [--epoch CONFIG | --startup] [--peer [--peer-dir DIR]] [--blas-env here,unset]"
                + " | bench --serve CKPT [--clients 32] [--seconds 60] [--length 500]";
    }

    @Override
    String summary() {
        return "Benchmark training and sampling speed (figures, not a test); --peer adds libtorch 2.10 and PyTorch 1.13.";
    }

    /** OpenBLAS's variables, which --blas-env unset takes away from a run (as on a user's machine). */
    static final List<String> BLAS_VARIABLES = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");

    @Override
    Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("models").hasArg().desc("[lstm|gru|rnn:]LAYERSxUNITS[:bBATCH][:sSEQ][:rmsprop|adagrad|adam][:bf16][:ln (lstm, gru)], comma-separated").build())
                .addOption(Option.builder().longOpt("rounds").hasArg().desc("timed windows per setting (median reported)").build())
                .addOption(Option.builder().longOpt("seconds").hasArg().desc("length of one timed window").build())
                .addOption(Option.builder().longOpt("threads").hasArg().desc("thread counts to try, comma-separated").build())
                .addOption(Option.builder().longOpt("text").hasArg().argName("FILE")
                        .desc("benchmark on this UTF-8 text and its alphabet (default: random text over 65 symbols)").build())
                .addOption(Option.builder().longOpt("epoch").hasArg().argName("CONFIG")
                        .desc("time one epoch of CONFIG from process start to exit (./charrnn train), against the peer with --peer").build())
                .addOption(Option.builder().longOpt("startup")
                        .desc("time the command to training's first progress line and sample -n 200 to its exit, against PyTorch with --peer").build())
                .addOption(Option.builder().longOpt("serve").hasArg().argName("CKPT")
                        .desc("load-test charrnn serve on CKPT over loopback: --clients clients sampling --length characters for --seconds").build())
                .addOption(Option.builder().longOpt("clients").hasArg().argName("N").desc("concurrent clients for --serve (default 32)").build())
                .addOption(Option.builder().longOpt("length").hasArg().argName("N").desc("characters per request for --serve (default 500)").build())
                .addOption(Option.builder().longOpt("peer").desc("also run libtorch 2.10 (shared/peers/libtorch, built once under target/)"
                        + " and Debian's PyTorch 1.13 (torch_charrnn.py) on the same shapes").build())
                .addOption(Option.builder().longOpt("peer-dir").hasArg().argName("DIR")
                        .desc("where the references are (default $CHARRNN_PEERS, else ../shared/peers)").build())
                .addOption(Option.builder().longOpt("blas-env").hasArg().argName("here,unset")
                        .desc("run the whole benchmark once per setting of OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, in child processes,"
                                + " ours and the peers alike: 'here' as this environment has them, 'unset' as a user's machine does").build());
    }

    /** The largest shape's sessions (one per thread setting) held at once; a text given with --text is read into the heap too. */
    @Override
    org.charrnn.model.MemoryEstimate memoryNeed(CommandLine cmd) {
        if (cmd.hasOption("serve") || cmd.hasOption("epoch") || cmd.hasOption("startup") || cmd.hasOption("blas-env")) return null; // ours runs in child processes
        try {
            int settings = cmd.getOptionValue("threads", "1,2,1:2").split(",").length;
            org.charrnn.model.MemoryEstimate largest = null;
            for (String s : cmd.getOptionValue("models", "2x128,2x128:b100:s100,3x512").split(",")) {
                org.charrnn.model.MemoryEstimate e = BenchModel.parse(s.trim()).memory(settings);
                if (largest == null || e.heapBytes() > largest.heapBytes()) largest = e;
            }
            return largest;
        } catch (RuntimeException badArguments) {
            return null; // run() says what is wrong with them
        }
    }

    @Override
    int run(CommandLine cmd, Io io) {
        PrintStream out = io.out();
        if (cmd.hasOption("blas-env")) return perEnvironment(cmd, out);
        List<BenchModel> models = new ArrayList<>();
        for (String s : cmd.getOptionValue("models", "2x128,2x128:b100:s100,3x512").split(",")) {
            try {
                models.add(BenchModel.parse(s.trim()));
            } catch (RuntimeException e) {
                throw new UsageException("--models: '" + s + "' is not allowed; expected [lstm|gru|rnn:]LAYERSxUNITS[:bBATCH][:sSEQ]"
                        + "[:rmsprop|adagrad|adam][:bf16][:ln (lstm, gru)], e.g. gru:2x128:b100:s100 or rnn:1x100:b1:s25:adagrad");
            }
        }
        if (cmd.hasOption("serve")) return serve(cmd, out);
        int rounds = intOption(cmd, "rounds", 3, 1, 100);
        double seconds = positiveDouble(cmd, "seconds", 8);
        List<ThreadSetting> threads = new ArrayList<>();
        for (String t : cmd.getOptionValue("threads", "1,2,1:2").split(",")) {
            try {
                threads.add(ThreadSetting.parse(t));
            } catch (IllegalArgumentException e) {
                throw new UsageException("bench: --threads: " + e.getMessage());
            }
        }
        try {
            TorchPeer torch = null;
            List<Peer> peers = new ArrayList<>();
            if (cmd.hasOption("peer")) {
                Path dir = Path.of(cmd.getOptionValue("peer-dir", defaultPeerDirectory()));
                List<String> missing = new ArrayList<>();
                // --startup times PyTorch's scripts only: the libtorch peer has no start-up of a user's to time.
                if (!cmd.hasOption("startup")) {
                    try {
                        peers.add(LibtorchPeer.build(dir, Path.of("target"), line -> {
                            out.println(line);
                            out.flush();
                        }));
                    } catch (IOException e) {
                        missing.add("libtorch 2.10 (" + e.getMessage().lines().findFirst().orElse("") + ")");
                    }
                }
                String why = TorchPeer.unavailable(dir);
                if (why == null) {
                    torch = new TorchPeer(dir);
                    peers.add(torch);
                } else {
                    missing.add("PyTorch 1.13 (" + why + ")");
                }
                if (peers.isEmpty()) {
                    throw new UsageException("bench: --peer: no reference can run here: " + String.join("; ", missing)
                            + "; give the directory of the references with --peer-dir DIR (or CHARRNN_PEERS)");
                }
                for (String m : missing) out.println("peer not available: " + m);
            }
            if (cmd.hasOption("epoch")) return epoch(Path.of(cmd.getOptionValue("epoch")), rounds, torch, out);
            if (cmd.hasOption("startup")) return startup(cmd, rounds, torch, out);
            Path textFile = cmd.hasOption("text") ? Path.of(cmd.getOptionValue("text")) : null;
            Path launcher = Path.of("charrnn").toAbsolutePath();
            if (!Files.isExecutable(launcher)) {
                out.println("./charrnn not found here: run bench from the repository root to time our training through train too");
                launcher = null;
            }
            SpeedBenchmark.run(new SpeedBenchmark.Settings(models, threads, rounds, seconds, textFile, peers, torch, launcher),
                    new Printed(out, rounds, seconds));
        } catch (IOException e) {
            throw new RuntimeException("benchmark failed: " + e.getMessage().lines().findFirst().orElse(""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        return 0;
    }

    /** Where the references are unless --peer-dir says: $CHARRNN_PEERS, else ../shared/peers beside the repository. */
    static String defaultPeerDirectory() {
        String env = System.getenv("CHARRNN_PEERS");
        return env != null && !env.isBlank() ? env : "../shared/peers";
    }

    /**
     * The benchmark once per --blas-env setting, each in a child process started through the launcher
     * (so ours gets the kernels a user's run gets) with the peers as its children: the same
     * environment for both sides. Each run's kernels are named by OpenBLAS itself (OPENBLAS_VERBOSE=2).
     */
    private int perEnvironment(CommandLine cmd, PrintStream out) {
        List<String> settings = List.of(cmd.getOptionValue("blas-env").split(","));
        for (String setting : settings) {
            if (!setting.equals("here") && !setting.equals("unset")) {
                throw new UsageException("bench: --blas-env: '" + setting + "' is not allowed; expected here, unset or both (here,unset)");
            }
        }
        Path launcher = Path.of("charrnn").toAbsolutePath();
        if (!Files.isExecutable(launcher)) throw new UsageException("bench: --blas-env: run bench from the repository root (./charrnn not found)");
        List<String> args = new ArrayList<>(List.of(launcher.toString(), "bench"));
        for (Option o : cmd.getOptions()) {
            if (o.getLongOpt().equals("blas-env")) continue;
            args.add("--" + o.getLongOpt());
            if (o.hasArg()) args.add(o.getValue());
        }
        int worst = 0;
        for (String setting : settings) {
            Map<String, String> env = new java.util.HashMap<>(System.getenv());
            if (setting.equals("unset")) BLAS_VARIABLES.forEach(env::remove);
            String described = BLAS_VARIABLES.stream().map(v -> v + (env.containsKey(v) ? "=" + env.get(v) : " unset"))
                    .reduce((a, b) -> a + ", " + b).orElse("");
            out.println("== environment '" + setting + "': " + described + (setting.equals("unset") ? " (as on a user's machine)" : ""));
            out.println("   ours: " + probe(launcher, env));
            out.flush();
            worst = Math.max(worst, child(args, env, out));
        }
        return worst;
    }

    /** What our process gets in that environment: OpenBLAS's core (as it prints it) and the engine of our products. */
    private static String probe(Path launcher, Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder("java", "-cp", System.getProperty("java.class.path"), KernelProbe.class.getName())
                    .redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(env);
            // What the launcher would choose for OpenBLAS there (it keeps a value the user set).
            String chosen = launcherCoreType(launcher, env);
            if (chosen != null) pb.environment().put("OPENBLAS_CORETYPE", chosen);
            pb.environment().put("OPENBLAS_VERBOSE", "2");
            Process p = pb.start();
            String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            java.util.regex.Matcher core = java.util.regex.Pattern.compile("Core: (\\S+)").matcher(text);
            java.util.regex.Matcher products = java.util.regex.Pattern.compile("products: ([^\\n]+)").matcher(text);
            return "OpenBLAS core " + (core.find() ? core.group(1) : "?") + (chosen != null && !env.containsKey("OPENBLAS_CORETYPE")
                    ? " (chosen by the launcher)" : "") + "; products on " + (products.find() ? products.group(1) : "?");
        } catch (IOException e) {
            return "? (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** The OPENBLAS_CORETYPE the launcher exports in that environment, or null. */
    private static String launcherCoreType(Path launcher, Map<String, String> env) throws IOException, InterruptedException {
        Path script = launcher.resolveSibling("scripts/openblas-coretype.sh");
        if (env.containsKey("OPENBLAS_CORETYPE") || !Files.isExecutable(script)) return env.get("OPENBLAS_CORETYPE");
        ProcessBuilder pb = new ProcessBuilder(script.toString()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        return p.waitFor() == 0 && !text.isEmpty() ? text : null;
    }

    private static int child(List<String> args, Map<String, String> env, PrintStream out) {
        try {
            ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.println(line);
                    out.flush();
                }
            }
            return p.waitFor();
        } catch (IOException e) {
            throw new RuntimeException("benchmark failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The speed benchmark's figures as lines, and a table of the best figures at the end. */
    private record Printed(PrintStream out, int rounds, double seconds) implements SpeedBenchmark.Report {
        @Override
        public void text(String description, long length, int distinct) {
            out.printf(Locale.ROOT, "text: %s, %,d characters, %,d distinct%n", description, length, distinct);
        }

        @Override
        public void peaks(Map<String, Double> gflopsByLibrary) {
            out.printf(Locale.ROOT, "machine: %d cores; 2048^3 float products:", Runtime.getRuntime().availableProcessors());
            gflopsByLibrary.forEach((lib, g) -> out.printf(Locale.ROOT, " %s %.0f GFLOP/s;", lib, g));
            out.println(" '% of peak' refers to the best");
            out.printf(Locale.ROOT, "each figure: median of %d windows of >= %.0f s after warm-up; chars/s%n", rounds, seconds);
        }

        @Override
        public void model(BenchModel m, double flopsPerChar) {
            out.printf(Locale.ROOT, "%n== %s: %s, %d layers x %d units, batch %d, seq %d, %s, %.2f MFLOP/char (training)%n",
                    m.name(), m.cell(), m.layers(), m.units(), m.batch(), m.seqLength(), m.optimizer(), flopsPerChar / 1e6);
            out.flush();
        }

        @Override
        public void kernels(String who, String kernels) {
            out.printf(Locale.ROOT, "  kernels, %s: %s%n", who, kernels);
        }

        @Override
        public void training(SpeedBenchmark.Training t) {
            out.printf(Locale.ROOT, "  %-13s %-18s train %,8.0f chars/s (%s)%s%s%n", t.who(), t.threads().label() + ":", t.median(),
                    t.range(), Double.isNaN(t.fractionOfPeak()) ? ""
                            : String.format(Locale.ROOT, "  = %4.1f %% of peak", 100 * t.fractionOfPeak()),
                    Double.isNaN(t.peakRssMiB()) ? "" : String.format(Locale.ROOT, ", peak RSS %,.0f MiB", t.peakRssMiB()));
        }

        @Override
        public void gist(double median, String range, double oursOverGist, double peakRssMiB) {
            out.printf(Locale.ROOT, "  numpy min-char-rnn gist (hidden 100, seq 25): train %,8.0f chars/s (%s), peak RSS %,.0f MiB;"
                    + " ratio ours/gist %.2f%n", median, range, peakRssMiB, oursOverGist);
        }

        @Override
        public void throughTrain(org.charrnn.bench.LauncherRun.Result r, double seconds, double inProcess) {
            out.printf(Locale.ROOT, "  ours through ./charrnn train (%.0f s, its own process, validations and checkpoints included):"
                            + " %,.0f chars/s wall over its second half (%,.0f over the whole run) = %.2f of the figure above;"
                            + " peak RSS %,.0f MiB%n", seconds, r.secondHalfCharsPerSecond(), r.wholeCharsPerSecond(),
                    r.secondHalfCharsPerSecond() / inProcess, r.peakRssMiB());
            out.flush();
        }

        @Override
        public void sampling(String who, String threads, double median, String range) {
            out.printf(Locale.ROOT, "  %-13s sampling (batch 1, 2000 chars, %s): %,.0f chars/s%s%n", who, threads, median,
                    range.isEmpty() ? "" : " (" + range + ")");
        }

        @Override
        public void memory(double peakRssMiB) {
            out.printf(Locale.ROOT, "  peak RSS so far: %,.0f MiB%n", peakRssMiB);
            out.flush();
        }

        @Override
        public void summary(List<SpeedBenchmark.Summary> all, List<String> sides) {
            if (sides.size() < 2) return;
            out.printf(Locale.ROOT, "%nbest of each side, chars/s (training; sampling) [peak RSS training], and ours over each peer:%n");
            for (SpeedBenchmark.Summary s : all) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-22s", s.model().name()));
                double ours = s.training().getOrDefault("ours", Double.NaN);
                double oursSampling = s.sampling().getOrDefault("ours", Double.NaN);
                for (String side : s.training().keySet()) {
                    double t = s.training().get(side);
                    double smp = s.sampling().getOrDefault(side, Double.NaN);
                    line.append(String.format(Locale.ROOT, " | %s %,.0f", side, t));
                    if (!Double.isNaN(smp)) line.append(String.format(Locale.ROOT, "; %,.0f", smp));
                    double rss = s.memory().getOrDefault(side.equals("ours through train") ? "ours" : side, Double.NaN);
                    if (!Double.isNaN(rss) && !side.equals("ours")) line.append(String.format(Locale.ROOT, " [%,.0f MiB]", rss));
                    if (!side.startsWith("ours")) {
                        line.append(String.format(Locale.ROOT, " (%.2fx", ours / t));
                        if (!Double.isNaN(smp)) line.append(String.format(Locale.ROOT, "; %.2fx", oursSampling / smp));
                        double oursRss = s.memory().getOrDefault("ours", Double.NaN);
                        if (!Double.isNaN(rss) && !Double.isNaN(oursRss)) line.append(String.format(Locale.ROOT, "; RSS %.2fx", oursRss / rss));
                        line.append(")");
                    }
                }
                out.println(line);
            }
        }
    }

    /** The load test of charrnn serve: requests/s, characters/s, latency to the first character, the server's memory. */
    private int serve(CommandLine cmd, PrintStream out) {
        Path launcher = Path.of("charrnn").toAbsolutePath();
        if (!Files.isExecutable(launcher)) throw new UsageException("--serve: run bench from the repository root (./charrnn not found)");
        Path ckpt = Path.of(cmd.getOptionValue("serve"));
        if (!Files.isRegularFile(ckpt)) throw new UsageException("--serve: " + ckpt + " not found; expected a checkpoint (.zip)");
        org.charrnn.api.CharRnnModel.load(ckpt); // a checkpoint the server could not load is said here, in one line
        int clients = intOption(cmd, "clients", 32, 1, 1000);
        double seconds = positiveDouble(cmd, "seconds", 60);
        int length = intOption(cmd, "length", 500, 1, 10_000);
        out.printf(Locale.ROOT, "load test: %s served on loopback, %d clients, %d characters per request, %.0f s%n", ckpt, clients, length, seconds);
        out.flush();
        ServeLoadBenchmark.Result r;
        try {
            r = ServeLoadBenchmark.run(launcher, ckpt, clients, seconds, length);
        } catch (IOException e) {
            throw new RuntimeException("load test failed: " + e.getMessage().lines().findFirst().orElse(""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        out.printf(Locale.ROOT, "requests: %,d (%.1f/s), characters: %,d (%,.0f/s)%n", r.requests(), r.requests() / r.seconds(),
                r.characters(), r.characters() / r.seconds());
        out.printf(Locale.ROOT, "latency to first character: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", r.percentile(0.5),
                r.percentile(0.99), r.percentile(1.0));
        out.printf(Locale.ROOT, "server memory (RSS): peak %,.0f MiB, at the end %,.0f MiB%n", r.peakServerRssBytes() / 1048576.0,
                r.serverRssAfterBytes() / 1048576.0);
        out.println(r.failures().isEmpty() ? "failures: none" : "failures (status -1 = I/O error): " + r.failures());
        return r.failures().isEmpty() ? 0 : 1;
    }

    /** Start-up, ours and (with --peer) PyTorch's, alternating round by round; medians at the end. */
    private static int startup(CommandLine cmd, int rounds, TorchPeer peer, PrintStream out) throws IOException, InterruptedException {
        Path launcher = Path.of("charrnn").toAbsolutePath();
        if (!Files.isExecutable(launcher)) throw new UsageException("bench: --startup: run bench from the repository root (./charrnn not found)");
        Path text = cmd.hasOption("text") ? Path.of(cmd.getOptionValue("text"))
                : OurBenchmark.written(OurBenchmark.randomText(1_000_000));
        if (!Files.isRegularFile(text)) throw new UsageException("bench: --text: " + text + " not found");
        out.printf(Locale.ROOT, "start-up, LSTM 2x128 b50 s50 on %s: seconds from the command to the first progress line;"
                + " sample -n 200 from the command to its exit (peak RSS)%n", cmd.hasOption("text") ? text : "random text");
        List<StartupBenchmark.Timed> ourTrain = new ArrayList<>(), ourSample = new ArrayList<>();
        List<StartupBenchmark.Timed> peerTrain = new ArrayList<>(), peerSample = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            Path dir = StartupBenchmark.scratch();
            StartupBenchmark.Timed t = StartupBenchmark.ourTraining(launcher, text, dir.resolve("run"));
            StartupBenchmark.Timed s = StartupBenchmark.ourSampling(launcher, dir.resolve("run"));
            ourTrain.add(t);
            ourSample.add(s);
            out.printf(Locale.ROOT, "round %d: ours %.2f s to the first progress line, sample %.2f s (%,.0f MiB)", r + 1,
                    t.firstLineSeconds(), s.exitSeconds(), s.peakRssMiB());
            if (peer != null) {
                StartupBenchmark.Timed[] p = StartupBenchmark.peer(peer, text, dir.resolve("peer.pt"));
                peerTrain.add(p[0]);
                peerSample.add(p[1]);
                out.printf(Locale.ROOT, "; PyTorch 1.13 %.2f s, sample %.2f s (%,.0f MiB)", p[0].firstLineSeconds(), p[1].exitSeconds(),
                        p[1].peakRssMiB());
            }
            out.println();
            out.flush();
        }
        out.printf(Locale.ROOT, "median of %d: ours %.2f s to the first progress line, sample -n 200 %.2f s, peak RSS %,.0f MiB", rounds,
                median(ourTrain, StartupBenchmark.Timed::firstLineSeconds), median(ourSample, StartupBenchmark.Timed::exitSeconds),
                median(ourSample, StartupBenchmark.Timed::peakRssMiB));
        if (peer != null) {
            out.printf(Locale.ROOT, "; PyTorch 1.13 %.2f s, %.2f s, %,.0f MiB", median(peerTrain, StartupBenchmark.Timed::firstLineSeconds),
                    median(peerSample, StartupBenchmark.Timed::exitSeconds), median(peerSample, StartupBenchmark.Timed::peakRssMiB));
        }
        out.println();
        return 0;
    }

    private static double median(List<StartupBenchmark.Timed> runs, java.util.function.ToDoubleFunction<StartupBenchmark.Timed> figure) {
        return Measurements.median(runs.stream().map(figure::applyAsDouble).toList());
    }

    /** One epoch, process start to exit, ours and (with --peer) PyTorch at 1 and 2 threads, alternating round by round. */
    private static int epoch(Path config, int rounds, TorchPeer peer, PrintStream out) throws IOException, InterruptedException {
        Path launcher = Path.of("charrnn").toAbsolutePath();
        if (!Files.isExecutable(launcher)) throw new UsageException("bench: --epoch: run bench from the repository root (./charrnn not found)");
        org.charrnn.config.RunConfig loaded = org.charrnn.config.ConfigLoader.load(config, List.of());
        org.charrnn.config.TrainConfig train = loaded.train();
        Path text = Path.of(loaded.data().input().get(0));
        if (!Files.isRegularFile(text)) {
            throw new UsageException("bench: --epoch: " + text + " (data.input of " + config + ") not found; train once to fetch it");
        }
        List<EpochBenchmark.Round> all = EpochBenchmark.compare(launcher, config, text, rounds, peer, r -> {
            out.printf(Locale.ROOT, "round: ours %.1f s (%d iterations)", r.ours().seconds(), r.ours().iterations());
            if (peer != null) out.printf(Locale.ROOT, ", PyTorch 1 thread %.1f s, 2 threads %.1f s", r.peerOneThread(), r.peerTwoThreads());
            out.println();
            out.flush();
        });
        double o = Measurements.median(all.stream().map(r -> r.ours().seconds()).toList());
        double chars = (double) all.get(0).ours().iterations() * train.batchSize() * train.seqLength();
        out.printf(Locale.ROOT, "one epoch of %s, process start to exit: ours %.1f s = %,.0f chars/s by the wall clock (median of %d)",
                config, o, chars / o, rounds);
        if (peer != null) {
            double p = Measurements.median(all.stream().map(EpochBenchmark.Round::peerBest).toList());
            out.printf(Locale.ROOT, ", PyTorch %.1f s = %,.0f chars/s (best thread setting per round); ratio %.2f", p, chars / p, p / o);
        }
        out.println();
        return 0;
    }
}
