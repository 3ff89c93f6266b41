package org.charrnn.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.charrnn.bench.BenchModel;
import org.charrnn.bench.EpochBenchmark;
import org.charrnn.bench.Measurements;
import org.charrnn.bench.OurBenchmark;
import org.charrnn.bench.PeerBenchmark;
import org.charrnn.bench.ServeLoadBenchmark;
import org.charrnn.data.Corpus;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
                + " [--epoch CONFIG] [--peer] | bench --serve CKPT [--clients 32] [--seconds 60] [--length 500]";
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
                .addOption(Option.builder().longOpt("peer").desc("also run ../shared/peers/torch_charrnn.py (Debian python3-torch)").build());
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
        List<String> threads = new ArrayList<>();
        for (String t : cmd.getOptionValue("threads", "1,2,1:2").split(",")) {
            if (!t.trim().matches("\\d+(:\\d+)?")) {
                throw new UsageException("--threads: '" + t + "' is not allowed; expected counts like 1,2 or ND4J:BLAS like 1:2");
            }
            threads.add(t.trim());
        }
        PeerBenchmark peer = null;
        if (cmd.hasOption("peer")) {
            peer = PeerBenchmark.locate();
            if (peer == null) throw new UsageException("--peer: ../shared/peers/torch_charrnn.py not found");
            if (!Files.exists(Path.of("/usr/bin/python3"))) throw new UsageException("--peer: /usr/bin/python3 not found (apt-get install python3-torch)");
        }

        if (cmd.hasOption("epoch")) return epoch(Path.of(cmd.getOptionValue("epoch")), rounds, peer, out);
        Path textFile = cmd.hasOption("text") ? Path.of(cmd.getOptionValue("text")) : null;
        Corpus text = textFile == null ? OurBenchmark.randomText(1_000_000) : Corpus.load(textFile);
        int vocabulary = text.vocabulary().size();
        out.printf(Locale.ROOT, "text: %s, %,d characters, %,d distinct%n", textFile == null ? "random" : textFile.toString(),
                text.length(), vocabulary);
        out.printf(Locale.ROOT, "machine: %d cores; sgemm 2048^3 float:", Runtime.getRuntime().availableProcessors());
        Map<String, Double> peak = new LinkedHashMap<>();
        for (String t : threads) {
            apply(t);
            peak.put(t, OurBenchmark.sgemmGflops(5));
            out.printf(Locale.ROOT, " %.0f GFLOP/s (%s)", peak.get(t), label(t));
        }
        out.println();
        out.printf(Locale.ROOT, "each figure: median of %d windows of >= %.0f s after warm-up; chars/s%n", rounds, seconds);
        for (BenchModel m : models) {
            out.printf(Locale.ROOT, "%n== %s: %s, %d layers x %d units, batch %d, seq %d, %s, %.2f MFLOP/char (training)%n",
                    m.name(), m.cell(), m.layers(), m.units(), m.batch(), m.seqLength(), m.optimizer(), m.flopsPerChar(vocabulary) / 1e6);
            List<Double> gist = new ArrayList<>();
            Map<String, List<Double>> ours = new LinkedHashMap<>();
            Map<String, List<Double>> theirs = new LinkedHashMap<>();
            Map<String, OurBenchmark.Session> sessions = new LinkedHashMap<>();
            for (String t : threads) {
                apply(t);
                OurBenchmark.Session s = OurBenchmark.session(m, text);
                s.steps(3);
                sessions.put(t, s);
                ours.put(t, new ArrayList<>());
                theirs.put(t, new ArrayList<>());
            }
            for (int r = 0; r < rounds; r++) {
                for (String t : threads) {
                    apply(t);
                    ours.get(t).add(sessions.get(t).window(seconds, 3));
                    // The peer has one thread count; run it for the plain counts only.
                    if (peer != null && !t.contains(":")) theirs.get(t).add(peerTraining(peer, m, Integer.parseInt(t), seconds, textFile));
                }
                if (peer != null && m.isMinCharRnn()) gist.add(peerGist(peer, seconds));
            }
            sessions.clear();
            double bestOurs = 0;
            double bestTheirs = 0;
            String bestThreads = threads.get(0);
            for (String t : threads) {
                double med = Measurements.median(ours.get(t));
                double frac = med * m.flopsPerChar(vocabulary) / (peak.get(t) * 1e9);
                out.printf(Locale.ROOT, "  ours    %-18s train %,8.0f chars/s (%s)  = %4.1f %% of sgemm peak%n", label(t) + ":",
                        med, Measurements.range(ours.get(t)), 100 * frac);
                if (med > bestOurs) {
                    bestOurs = med;
                    bestThreads = t;
                }
                if (peer != null && !theirs.get(t).isEmpty()) {
                    double pm = Measurements.median(theirs.get(t));
                    out.printf(Locale.ROOT, "  PyTorch %-18s train %,8.0f chars/s (%s)%n", label(t) + ":", pm, Measurements.range(theirs.get(t)));
                    bestTheirs = Math.max(bestTheirs, pm);
                }
            }
            if (!gist.isEmpty()) {
                double g = Measurements.median(gist);
                out.printf(Locale.ROOT, "  numpy min-char-rnn gist (hidden 100, seq 25): train %,8.0f chars/s (%s); ratio ours/gist %.2f%n",
                        g, Measurements.range(gist), bestOurs / g);
            }
            apply(bestThreads);
            List<Double> sample = OurBenchmark.sampling(m, text.vocabulary(), 5, 2000);
            double sampleMed = Measurements.median(sample);
            out.printf(Locale.ROOT, "  ours    sampling (batch 1, 2000 chars, %s): %,.0f chars/s (%s)%n", label(bestThreads),
                    sampleMed, Measurements.range(sample));
            if (peer != null) {
                double ps = peerSampling(peer, m);
                out.printf(Locale.ROOT, "  PyTorch sampling (best of 1, 2 threads): %,.0f chars/s%n", ps);
                out.printf(Locale.ROOT, "  ratio ours/PyTorch: training %.2f (best vs best), sampling %.2f%n",
                        bestOurs / bestTheirs, sampleMed / ps);
            }
            out.printf(Locale.ROOT, "  peak RSS so far: %,.0f MiB%n", Measurements.peakRssMiB());
            out.flush();
        }
        return 0;
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
    private static int epoch(Path config, int rounds, PeerBenchmark peer, PrintStream out) {
        Path launcher = Path.of("charrnn").toAbsolutePath();
        if (!Files.isExecutable(launcher)) throw new UsageException("--epoch: run bench from the repository root (./charrnn not found)");
        Path text = Path.of(org.charrnn.config.ConfigLoader.load(config, List.of()).data().input());
        if (!Files.isRegularFile(text)) throw new UsageException("--epoch: " + text + " (data.input of " + config + ") not found; train once to fetch it");
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        try {
            Path scratch = Files.createTempDirectory("charrnn-epoch");
            for (int r = 0; r < rounds; r++) {
                EpochBenchmark.Result o = EpochBenchmark.ours(launcher, config, scratch);
                ours.add(o.seconds());
                out.printf(Locale.ROOT, "round %d: ours %.1f s (%d iterations)", r + 1, o.seconds(), o.iterations());
                if (peer != null) {
                    double best = Double.POSITIVE_INFINITY;
                    for (int t = 1; t <= 2; t++) {
                        double s = peer.epoch(o.iterations(), t, text);
                        out.printf(Locale.ROOT, ", PyTorch %d thread%s %.1f s", t, t == 1 ? "" : "s", s);
                        best = Math.min(best, s);
                    }
                    theirs.add(best);
                }
                out.println();
                out.flush();
            }
        } catch (IOException e) {
            throw new RuntimeException("epoch benchmark failed: " + e.getMessage().lines().findFirst().orElse(""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        double o = Measurements.median(ours);
        out.printf(Locale.ROOT, "one epoch of %s, process start to exit: ours %.1f s (median of %d)", config, o, rounds);
        if (!theirs.isEmpty()) {
            double p = Measurements.median(theirs);
            out.printf(Locale.ROOT, ", PyTorch %.1f s (best thread setting per round); ratio %.2f", p, p / o);
        }
        out.println();
        return 0;
    }

    /** "2" = 2 threads for ND4J and OpenBLAS alike; "1:2" = 1 for ND4J's own ops, 2 for OpenBLAS. */
    private static void apply(String spec) {
        String[] p = spec.split(":");
        int nd4j = Integer.parseInt(p[0]);
        OurBenchmark.threads(nd4j, p.length > 1 ? Integer.parseInt(p[1]) : nd4j);
    }

    private static String label(String spec) {
        String[] p = spec.split(":");
        if (p.length == 1) return p[0] + (p[0].equals("1") ? " thread" : " threads");
        return p[0] + " ND4J + " + p[1] + " BLAS";
    }

    private static double peerTraining(PeerBenchmark peer, BenchModel m, int threads, double seconds, Path text) {
        try {
            return peer.training(m, threads, seconds + 4, text); // + its own start-up and warm-up
        } catch (IOException e) {
            throw new RuntimeException("PyTorch peer failed: " + e.getMessage().lines().findFirst().orElse(""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    private static double peerGist(PeerBenchmark peer, double seconds) {
        try {
            return peer.gist(seconds);
        } catch (IOException e) {
            throw new RuntimeException("min-char-rnn gist failed: " + e.getMessage().lines().findFirst().orElse(""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    private static double peerSampling(PeerBenchmark peer, BenchModel m) {
        try {
            Path scratch = Files.createTempDirectory("charrnn-peer");
            double best = 0;
            for (int t = 1; t <= 2; t++) {
                List<Double> r = new ArrayList<>();
                for (int i = 0; i < 3; i++) r.add(peer.sampling(m, t, scratch));
                best = Math.max(best, Measurements.median(r));
            }
            return best;
        } catch (IOException e) {
            throw new RuntimeException("PyTorch peer failed: " + e.getMessage().lines().findFirst().orElse(""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }
}
