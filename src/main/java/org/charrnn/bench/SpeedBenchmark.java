package org.charrnn.bench;

import org.charrnn.data.Corpus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Training and sampling speed of each model shape, ours at every thread setting and (with a peer)
 * the PyTorch reference at the plain counts, alternating window by window so that the machine's
 * noise falls on both; medians of the windows, figures reported as they come.
 */
public final class SpeedBenchmark {
    /** What to measure; {@code textFile} null = random text over 65 symbols; {@code peer} null = ours only. */
    public record Settings(List<BenchModel> models, List<ThreadSetting> threads, int rounds, double seconds, Path textFile,
                           PeerBenchmark peer) {}

    /** Ours or the peer's training speed at one thread setting: the median and spread of the windows. */
    public record Training(String who, ThreadSetting threads, double median, String range, double fractionOfPeak) {}

    /** Receives the figures as they are measured. */
    public interface Report {
        void text(String description, int length, int distinct);

        /** sgemm 2048³ GFLOP/s per OpenBLAS thread count: the peak the fractions refer to. */
        void peaks(Map<Integer, Double> gflopsByBlasThreads);

        void model(BenchModel m, double flopsPerChar);

        void training(Training t);

        /** min-char-rnn's numpy gist, for min-char-rnn's own shape. */
        void gist(double median, String range, double oursOverGist);

        void sampling(ThreadSetting threads, double median, String range);

        void peerSampling(double best, double trainingRatio, double samplingRatio);

        void memory(double peakRssMiB);
    }

    private SpeedBenchmark() {}

    public static void run(Settings s, Report report) throws IOException, InterruptedException {
        Corpus text = s.textFile() == null ? OurBenchmark.randomText(1_000_000) : Corpus.load(s.textFile());
        int vocabulary = text.vocabulary().size();
        report.text(s.textFile() == null ? "random" : s.textFile().toString(), text.length(), vocabulary);
        // sgemm runs on OpenBLAS's threads alone, so its peak belongs to the BLAS thread count: measured
        // under every setting with that count, twice, keeping the best (a busy neighbour only lowers it).
        Map<Integer, Double> byBlas = new TreeMap<>();
        for (int pass = 0; pass < 2; pass++) {
            for (ThreadSetting t : s.threads()) {
                t.apply();
                byBlas.merge(t.blas(), OurBenchmark.sgemmGflops(5), Math::max);
            }
        }
        report.peaks(byBlas);
        for (BenchModel m : s.models()) {
            report.model(m, m.flopsPerChar(vocabulary));
            one(s, m, text, byBlas, report);
            report.memory(Measurements.peakRssMiB());
        }
    }

    private static void one(Settings s, BenchModel m, Corpus text, Map<Integer, Double> peakByBlas, Report report)
            throws IOException, InterruptedException {
        PeerBenchmark peer = s.peer();
        Map<ThreadSetting, OurBenchmark.Session> sessions = new LinkedHashMap<>();
        Map<ThreadSetting, List<Double>> ours = new LinkedHashMap<>();
        Map<ThreadSetting, List<Double>> theirs = new LinkedHashMap<>();
        List<Double> gist = new ArrayList<>();
        for (ThreadSetting t : s.threads()) {
            t.apply();
            OurBenchmark.Session session = OurBenchmark.session(m, text);
            session.steps(3);
            sessions.put(t, session);
            ours.put(t, new ArrayList<>());
            theirs.put(t, new ArrayList<>());
        }
        for (int r = 0; r < s.rounds(); r++) {
            for (ThreadSetting t : s.threads()) {
                t.apply();
                ours.get(t).add(sessions.get(t).window(s.seconds(), 3));
                if (peer != null && t.uniform()) {
                    theirs.get(t).add(peer.training(m, t.nd4j(), s.seconds() + 4, s.textFile())); // + its start-up and warm-up
                }
            }
            if (peer != null && m.isMinCharRnn()) gist.add(peer.gist(s.seconds()));
        }
        sessions.clear();
        double bestOurs = 0;
        double bestTheirs = 0;
        ThreadSetting bestThreads = s.threads().get(0);
        double flops = m.flopsPerChar(text.vocabulary().size());
        for (ThreadSetting t : s.threads()) {
            double med = Measurements.median(ours.get(t));
            report.training(new Training("ours", t, med, Measurements.range(ours.get(t)), med * flops / (peakByBlas.get(t.blas()) * 1e9)));
            if (med > bestOurs) {
                bestOurs = med;
                bestThreads = t;
            }
            if (!theirs.get(t).isEmpty()) {
                double pm = Measurements.median(theirs.get(t));
                report.training(new Training("PyTorch", t, pm, Measurements.range(theirs.get(t)), Double.NaN));
                bestTheirs = Math.max(bestTheirs, pm);
            }
        }
        if (!gist.isEmpty()) report.gist(Measurements.median(gist), Measurements.range(gist), bestOurs / Measurements.median(gist));
        bestThreads.apply();
        List<Double> sample = OurBenchmark.sampling(m, text.vocabulary(), 5, 2000);
        double sampleMedian = Measurements.median(sample);
        report.sampling(bestThreads, sampleMedian, Measurements.range(sample));
        if (peer != null) {
            double ps = peerSampling(peer, m);
            report.peerSampling(ps, bestOurs / bestTheirs, sampleMedian / ps);
        }
    }

    /** The peer's sampling speed at its best of 1 and 2 threads (median of 3 runs each). */
    private static double peerSampling(PeerBenchmark peer, BenchModel m) throws IOException, InterruptedException {
        Path scratch = java.nio.file.Files.createTempDirectory("charrnn-peer");
        double best = 0;
        for (int t = 1; t <= 2; t++) {
            List<Double> r = new ArrayList<>();
            for (int i = 0; i < 3; i++) r.add(peer.sampling(m, t, scratch));
            best = Math.max(best, Measurements.median(r));
        }
        return best;
    }
}
