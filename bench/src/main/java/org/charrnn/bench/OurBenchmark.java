package org.charrnn.bench;

import org.charrnn.config.RunConfig;
import org.charrnn.data.CodeArray;
import org.charrnn.data.Corpus;
import org.charrnn.data.Vocabulary;
import org.charrnn.model.GraphFactory;
import org.charrnn.model.RepeatedUpdates;
import org.charrnn.model.kernel.GemmEngine;
import org.charrnn.sample.Sampler;
import org.charrnn.sample.SamplingOptions;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Times our training step and sampler on random text (speed does not depend on the text). */
public final class OurBenchmark {
    private OurBenchmark() {}

    /** Sets ND4J's own (OpenMP) thread count and OpenBLAS's, for this process. */
    public static void threads(int nd4j, int blas) {
        Nd4j.getEnvironment().setMaxThreads(nd4j); // ignored by the CPU backend, kept for others
        Nd4j.getEnvironment().setMaxMasterThreads(nd4j);
        Nd4j.factory().blas().setMaxThreads(blas);
    }

    public static ComputationGraph graph(BenchModel m, int vocabulary) {
        RunConfig c = m.config();
        return GraphFactory.build(c.model(), c.train().optimization(), vocabulary);
    }

    /** Random text over {@link BenchModel#VOCAB} symbols: speed does not depend on what the text says. */
    public static Corpus randomText(int length) {
        int[] cps = new int[BenchModel.VOCAB];
        for (int i = 0; i < cps.length; i++) cps[i] = 32 + i;
        Vocabulary v = new Vocabulary(cps);
        CodeArray.Heap codes = CodeArray.allocate(length, v.size());
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < length; i++) codes.set(i, r.nextInt(v.size()));
        return new Corpus(v, codes);
    }

    /** A scratch directory for this benchmark's files, removed when the JVM exits. */
    public static synchronized java.nio.file.Path scratch() throws java.io.IOException {
        if (scratch == null) {
            scratch = java.nio.file.Files.createTempDirectory("charrnn-bench");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(scratch)));
        }
        return scratch;
    }

    private static java.nio.file.Path scratch;

    private static void deleteTree(java.nio.file.Path dir) {
        try (var paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temp directory left behind
        }
    }

    /** A text as a UTF-8 file in the scratch directory, for a child process to train on. */
    public static java.nio.file.Path written(Corpus text) throws java.io.IOException {
        StringBuilder sb = new StringBuilder((int) text.length());
        for (long i = 0; i < text.length(); i++) sb.appendCodePoint(text.vocabulary().codePoint(text.codes().get(i)));
        java.nio.file.Path file = scratch().resolve("text.txt");
        java.nio.file.Files.writeString(file, sb, java.nio.charset.StandardCharsets.UTF_8);
        return file;
    }

    /** Our training step on the start of {@code text} (at most 20 minibatches, used round and round), ready to be timed. */
    public static RepeatedUpdates session(BenchModel m, Corpus text) {
        return new RepeatedUpdates(graph(m, text.vocabulary().size()), text, m.batch(), m.seqLength(), 20);
    }

    /** Sampling chars/s, batch 1, {@code length} characters after a one-character prime. */
    public static List<Double> sampling(BenchModel m, Vocabulary v, int runs, int length) {
        ComputationGraph g = graph(m, v.size());
        Sampler s = new Sampler(g, v);
        s.sample(new int[]{0}, new SamplingOptions(2000, 1, 0, false, 1), cp -> { }); // warm-up: let the JIT compile the step
        List<Double> rates = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            s.sample(new int[]{0}, new SamplingOptions(length, 1, 0, false, r), cp -> { });
            rates.add(length / ((System.nanoTime() - t0) / 1e9));
        }
        return rates;
    }

    /**
     * A library's float product peak in GFLOP/s: 2048³ products with the thread setting in force, the
     * best of at least {@code runs} and two seconds after a warm-up (a peak, so not a median: a noisy
     * neighbour only ever lowers it; a few products can all land on a busy moment).
     */
    public static double sgemmGflops(GemmEngine engine, int runs) {
        int n = 2048;
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        engine.multiply(a, b, c);
        double best = 0;
        long start = System.nanoTime();
        for (int i = 0; i < runs || System.nanoTime() - start < 2_000_000_000L; i++) {
            long t0 = System.nanoTime();
            engine.multiply(a, b, c);
            best = Math.max(best, 2.0 * n * n * n / ((System.nanoTime() - t0) / 1e9) / 1e9);
        }
        return best;
    }
}
