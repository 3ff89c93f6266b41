package org.charrnn.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.charrnn.bench.BenchModel;
import org.charrnn.bench.EpochBenchmark;
import org.charrnn.bench.Measurements;
import org.charrnn.bench.PeerBenchmark;
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
final class BenchCommand extends Command {
    @Override
    String name() {
        return "bench";
    }

    @Override
    String usage() {
        return "bench [--models 2x128,2x128:b100:s100,3x512] [--rounds 3] [--seconds 8] [--threads 1,2,1:2] [--text FILE]"
                + " [--epoch CONFIG] [--peer [--peer-dir DIR]] | bench --serve CKPT [--clients 32] [--seconds 60] [--length 500]";
    }

    @Override
    String summary() {
        return "Benchmark training and sampling speed (figures, not a test); --peer adds the PyTorch reference.";
    }

    @Override
    Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("models").hasArg().desc("[lstm|gru|rnn:]LAYERSxUNITS[:bBATCH][:sSEQ][:rmsprop|adagrad|adam], comma-separated").build())
                .addOption(Option.builder().longOpt("rounds").hasArg().desc("timed windows per setting (median reported)").build())
                .addOption(Option.builder().longOpt("seconds").hasArg().desc("length of one timed window").build())
                .addOption(Option.builder().longOpt("threads").hasArg().desc("thread counts to try, comma-separated").build())
                .addOption(Option.builder().longOpt("text").hasArg().argName("FILE")
                        .desc("benchmark on this UTF-8 text and its alphabet (default: random text over 65 symbols)").build())
                .addOption(Option.builder().longOpt("epoch").hasArg().argName("CONFIG")
                        .desc("time one epoch of CONFIG from process start to exit (./charrnn train), against the peer with --peer").build())
                .addOption(Option.builder().longOpt("serve").hasArg().argName("CKPT")
                        .desc("load-test charrnn serve on CKPT over loopback: --clients clients sampling --length characters for --seconds").build())
                .addOption(Option.builder().longOpt("clients").hasArg().argName("N").desc("concurrent clients for --serve (default 32)").build())
                .addOption(Option.builder().longOpt("length").hasArg().argName("N").desc("characters per request for --serve (default 500)").build())
                .addOption(Option.builder().longOpt("peer").desc("also run the PyTorch reference torch_charrnn.py (Debian python3-torch)").build())
                .addOption(Option.builder().longOpt("peer-dir").hasArg().argName("DIR")
                        .desc("where the references are (default $CHARRNN_PEERS, else ../shared/peers)").build());
    }

    @Override
    int run(CommandLine cmd, Io io) {
        PrintStream out = io.out();
        List<BenchModel> models = new ArrayList<>();
        for (String s : cmd.getOptionValue("models", "2x128,2x128:b100:s100,3x512").split(",")) {
            try {
                models.add(BenchModel.parse(s.trim()));
            } catch (RuntimeException e) {
                throw new UsageException("--models: '" + s + "' is not allowed; expected [lstm|gru|rnn:]LAYERSxUNITS[:bBATCH][:sSEQ]"
                        + "[:rmsprop|adagrad|adam], e.g. gru:2x128:b100:s100 or rnn:1x100:b1:s25:adagrad");
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
        PeerBenchmark peer = null;
        if (cmd.hasOption("peer")) {
            Path dir = Path.of(cmd.getOptionValue("peer-dir", PeerBenchmark.defaultDirectory()));
            if (!Files.exists(dir.resolve("torch_charrnn.py"))) {
                throw new UsageException("bench: --peer: " + dir.resolve("torch_charrnn.py") + " not found; give the directory of"
                        + " the references with --peer-dir DIR (or CHARRNN_PEERS)");
            }
            if (!Files.exists(Path.of(PeerBenchmark.PYTHON))) {
                throw new UsageException("bench: --peer: " + PeerBenchmark.PYTHON + " not found (apt-get install python3-torch)");
            }
            peer = new PeerBenchmark(dir, PeerBenchmark.PYTHON);
        }
        try {
            if (cmd.hasOption("epoch")) return epoch(Path.of(cmd.getOptionValue("epoch")), rounds, peer, out);
            Path textFile = cmd.hasOption("text") ? Path.of(cmd.getOptionValue("text")) : null;
            SpeedBenchmark.run(new SpeedBenchmark.Settings(models, threads, rounds, seconds, textFile, peer), new Printed(out, rounds, seconds));
        } catch (IOException e) {
            throw new RuntimeException("benchmark failed: " + e.getMessage().lines().findFirst().orElse(""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        return 0;
    }

    /** The speed benchmark's figures as lines. */
    private record Printed(PrintStream out, int rounds, double seconds) implements SpeedBenchmark.Report {
        @Override
        public void text(String description, int length, int distinct) {
            out.printf(Locale.ROOT, "text: %s, %,d characters, %,d distinct%n", description, length, distinct);
        }

        @Override
        public void peaks(Map<Integer, Double> gflopsByBlasThreads) {
            out.printf(Locale.ROOT, "machine: %d cores; sgemm 2048^3 float:", Runtime.getRuntime().availableProcessors());
            gflopsByBlasThreads.forEach((n, g) -> out.printf(Locale.ROOT, " %.0f GFLOP/s (%d BLAS thread%s)", g, n, n == 1 ? "" : "s"));
            out.println();
            out.printf(Locale.ROOT, "each figure: median of %d windows of >= %.0f s after warm-up; chars/s%n", rounds, seconds);
        }

        @Override
        public void model(BenchModel m, double flopsPerChar) {
            out.printf(Locale.ROOT, "%n== %s: %s, %d layers x %d units, batch %d, seq %d, %s, %.2f MFLOP/char (training)%n",
                    m.name(), m.cell(), m.layers(), m.units(), m.batch(), m.seqLength(), m.optimizer(), flopsPerChar / 1e6);
            out.flush();
        }

        @Override
        public void training(SpeedBenchmark.Training t) {
            out.printf(Locale.ROOT, "  %-7s %-18s train %,8.0f chars/s (%s)%s%n", t.who(), t.threads().label() + ":", t.median(),
                    t.range(), Double.isNaN(t.fractionOfPeak()) ? ""
                            : String.format(Locale.ROOT, "  = %4.1f %% of sgemm peak", 100 * t.fractionOfPeak()));
        }

        @Override
        public void gist(double median, String range, double oursOverGist) {
            out.printf(Locale.ROOT, "  numpy min-char-rnn gist (hidden 100, seq 25): train %,8.0f chars/s (%s); ratio ours/gist %.2f%n",
                    median, range, oursOverGist);
        }

        @Override
        public void sampling(ThreadSetting threads, double median, String range) {
            out.printf(Locale.ROOT, "  ours    sampling (batch 1, 2000 chars, %s): %,.0f chars/s (%s)%n", threads.label(), median, range);
        }

        @Override
        public void peerSampling(double best, double trainingRatio, double samplingRatio) {
            out.printf(Locale.ROOT, "  PyTorch sampling (best of 1, 2 threads): %,.0f chars/s%n", best);
            out.printf(Locale.ROOT, "  ratio ours/PyTorch: training %.2f (best vs best), sampling %.2f%n", trainingRatio, samplingRatio);
        }

        @Override
        public void memory(double peakRssMiB) {
            out.printf(Locale.ROOT, "  peak RSS so far: %,.0f MiB%n", peakRssMiB);
            out.flush();
        }
    }

    /** The load test of charrnn serve: requests/s, characters/s, latency to the first character, the server's memory. */
    private int serve(CommandLine cmd, PrintStream out) {
        Path launcher = Path.of("charrnn").toAbsolutePath();
        if (!Files.isExecutable(launcher)) throw new UsageException("--serve: run bench from the repository root (./charrnn not found)");
        Path ckpt = Path.of(cmd.getOptionValue("serve"));
        if (!Files.isRegularFile(ckpt)) throw new UsageException("--serve: " + ckpt + " not found; expected a checkpoint (.zip)");
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

    /** One epoch, process start to exit, ours and (with --peer) PyTorch at 1 and 2 threads, alternating round by round. */
    private static int epoch(Path config, int rounds, PeerBenchmark peer, PrintStream out) throws IOException, InterruptedException {
        Path launcher = Path.of("charrnn").toAbsolutePath();
        if (!Files.isExecutable(launcher)) throw new UsageException("bench: --epoch: run bench from the repository root (./charrnn not found)");
        Path text = Path.of(org.charrnn.config.ConfigLoader.load(config, List.of()).data().input());
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
        out.printf(Locale.ROOT, "one epoch of %s, process start to exit: ours %.1f s (median of %d)", config, o, rounds);
        if (peer != null) {
            double p = Measurements.median(all.stream().map(EpochBenchmark.Round::peerBest).toList());
            out.printf(Locale.ROOT, ", PyTorch %.1f s (best thread setting per round); ratio %.2f", p, p / o);
        }
        out.println();
        return 0;
    }
}
