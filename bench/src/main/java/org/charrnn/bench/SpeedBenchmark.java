package org.charrnn.bench;

import org.charrnn.data.Corpus;
import org.charrnn.model.kernel.GemmEngine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training and sampling speed of each model shape, ours at every thread setting and each peer at
 * the plain counts, alternating window by window so that the machine's noise falls on all of them;
 * medians of the windows, figures reported as they come.
 */
public final class SpeedBenchmark {
    /** What to measure; {@code textFile} null = random text over 65 symbols; {@code peers} empty = ours only. */
    public record Settings(List<BenchModel> models, List<ThreadSetting> threads, int rounds, double seconds, Path textFile,
                           List<Peer> peers, TorchPeer gist, Path launcher) {}

    /** One side's training speed at one thread setting: the median and spread of the windows, its peak memory (MiB; NaN: not its own process). */
    public record Training(String who, ThreadSetting threads, double median, String range, double fractionOfPeak, double peakRssMiB) {}

    /** One shape's best figures, for the table at the end: who → chars/s (training, sampling), who → peak RSS (MiB). */
    public record Summary(BenchModel model, Map<String, Double> training, Map<String, Double> sampling, Map<String, Double> memory) {}

    /** Receives the figures as they are measured. */
    public interface Report {
        void text(String description, long length, int distinct);

        /** 2048³ float products per library, GFLOP/s: the best is the peak the fractions refer to. */
        void peaks(Map<String, Double> gflopsByLibrary);

        void model(BenchModel m, double flopsPerChar);

        void kernels(String who, String kernels);

        void training(Training t);

        /** min-char-rnn's numpy gist, for min-char-rnn's own shape. */
        void gist(double median, String range, double oursOverGist, double peakRssMiB);

        /** Ours through ./charrnn train (its own process, validations and checkpoints included) beside the in-process figure. */
        void throughTrain(LauncherRun.Result r, double seconds, double inProcess);

        void sampling(String who, String threads, double median, String range);

        void memory(double peakRssMiB);

        void summary(List<Summary> all, List<String> sides);
    }

    private SpeedBenchmark() {}

    public static void run(Settings s, Report report) throws IOException, InterruptedException {
        Corpus text = s.textFile() == null ? OurBenchmark.randomText(1_000_000) : Corpus.load(s.textFile());
        Path textFile = s.textFile() != null ? s.textFile() : s.launcher() == null ? null : OurBenchmark.written(text);
        int vocabulary = text.vocabulary().size();
        report.text(s.textFile() == null ? "random" : s.textFile().toString(), text.length(), vocabulary);
        ThreadSetting widest = s.threads().stream().max(java.util.Comparator.comparingInt(ThreadSetting::blas)).orElseThrow();
        widest.apply();
        double peak = peakGflops(report);
        List<Summary> summaries = new ArrayList<>();
        for (BenchModel m : s.models()) {
            report.model(m, m.flopsPerChar(vocabulary));
            report.kernels("ours", GemmEngine.current().describe() + ", our kernels (" + m.cell() + ")");
            for (Peer p : s.peers()) if (p.supports(m)) report.kernels(p.name(), p.kernels(m));
            summaries.add(one(s, m, text, textFile, peak, report));
            report.memory(Measurements.peakRssMiB());
        }
        List<String> sides = new ArrayList<>(List.of("ours"));
        for (Peer p : s.peers()) sides.add(p.name());
        report.summary(summaries, sides);
    }

    /** The best 2048³ float product rate of each library this process has, on its widest thread setting. */
    private static double peakGflops(Report report) {
        Map<String, Double> byLibrary = new LinkedHashMap<>();
        for (GemmEngine e : GemmEngine.values()) {
            try {
                byLibrary.put(e.describe(), OurBenchmark.sgemmGflops(e, 5));
            } catch (RuntimeException | LinkageError unavailable) {
                // an engine whose natives do not load here has no peak to offer
            }
        }
        report.peaks(byLibrary);
        return byLibrary.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static Summary one(Settings s, BenchModel m, Corpus text, Path textFile, double peak, Report report)
            throws IOException, InterruptedException {
        Map<ThreadSetting, org.charrnn.model.RepeatedUpdates> sessions = new LinkedHashMap<>();
        Map<ThreadSetting, List<Double>> ours = new LinkedHashMap<>();
        Map<Peer, Map<ThreadSetting, List<Double>>> theirs = new LinkedHashMap<>();
        Map<String, Double> memory = new LinkedHashMap<>();
        for (Peer p : s.peers()) if (p.supports(m)) theirs.put(p, new LinkedHashMap<>());
        List<Double> gist = new ArrayList<>();
        for (ThreadSetting t : s.threads()) {
            t.apply();
            org.charrnn.model.RepeatedUpdates session = OurBenchmark.session(m, text);
            session.updates(3);
            sessions.put(t, session);
            ours.put(t, new ArrayList<>());
            if (t.uniform()) for (Map<ThreadSetting, List<Double>> byThreads : theirs.values()) byThreads.put(t, new ArrayList<>());
        }
        for (int r = 0; r < s.rounds(); r++) {
            for (ThreadSetting t : s.threads()) {
                t.apply();
                ours.get(t).add(sessions.get(t).window(s.seconds(), 3));
                if (!t.uniform()) continue;
                for (Map.Entry<Peer, Map<ThreadSetting, List<Double>>> e : theirs.entrySet()) {
                    // + its start-up and warm-up, which its steady figure leaves out
                    Peer.Speed speed = e.getKey().training(m, t.nd4j(), s.seconds() + 4, s.textFile());
                    e.getValue().get(t).add(speed.charsPerSecond());
                    memory.merge(e.getKey().name(), speed.peakRssMiB(), Math::max);
                }
            }
            if (s.gist() != null && m.isMinCharRnn()) {
                Peer.Speed g = s.gist().gist(s.seconds());
                gist.add(g.charsPerSecond());
                memory.merge("numpy gist", g.peakRssMiB(), Math::max);
            }
        }
        sessions.clear();
        Map<String, Double> training = new LinkedHashMap<>();
        Map<String, Double> sampling = new LinkedHashMap<>();
        double flops = m.flopsPerChar(text.vocabulary().size());
        ThreadSetting bestThreads = s.threads().get(0);
        for (ThreadSetting t : s.threads()) {
            double med = Measurements.median(ours.get(t));
            report.training(new Training("ours", t, med, Measurements.range(ours.get(t)), med * flops / (peak * 1e9), Double.NaN));
            if (med > training.getOrDefault("ours", 0.0)) {
                training.put("ours", med);
                bestThreads = t;
            }
        }
        for (Map.Entry<Peer, Map<ThreadSetting, List<Double>>> e : theirs.entrySet()) {
            String who = e.getKey().name();
            for (Map.Entry<ThreadSetting, List<Double>> byThreads : e.getValue().entrySet()) {
                double med = Measurements.median(byThreads.getValue());
                report.training(new Training(who, byThreads.getKey(), med, Measurements.range(byThreads.getValue()),
                        med * flops / (peak * 1e9), memory.getOrDefault(who, Double.NaN)));
                training.merge(who, med, Math::max);
            }
        }
        if (!gist.isEmpty()) {
            double g = Measurements.median(gist);
            report.gist(g, Measurements.range(gist), training.get("ours") / g, memory.getOrDefault("numpy gist", Double.NaN));
            training.put("numpy gist", g);
        }
        if (s.launcher() != null) {
            // The figure a user feels, and the memory a user's run takes: long enough for its second half to be steady
            // (a fresh process's first updates are slow; at 3×512 its pace still rose 30 s in), so at least 300 updates.
            double updateSeconds = (double) m.batch() * m.seqLength() / training.get("ours");
            double seconds = Math.min(180, Math.max(Math.max(20, 2 * s.seconds()), 300 * updateSeconds));
            LauncherRun.Result r = LauncherRun.train(s.launcher(), m, textFile, seconds, OurBenchmark.scratch());
            report.throughTrain(r, seconds, training.get("ours"));
            memory.put("ours", r.peakRssMiB());
            training.put("ours through train", r.secondHalfCharsPerSecond());
        }
        bestThreads.apply();
        List<Double> sample = OurBenchmark.sampling(m, text.vocabulary(), 5, 2000);
        report.sampling("ours", bestThreads.label(), Measurements.median(sample), Measurements.range(sample));
        sampling.put("ours", Measurements.median(sample));
        for (Peer p : theirs.keySet()) {
            double best = 0;
            for (int t = 1; t <= 2; t++) {
                List<Double> runs = new ArrayList<>();
                for (int i = 0; i < 3; i++) runs.add(p.sampling(m, t));
                best = Math.max(best, Measurements.median(runs));
            }
            report.sampling(p.name(), "best of 1, 2 threads", best, "");
            sampling.put(p.name(), best);
        }
        return new Summary(m, training, sampling, memory);
    }
}
