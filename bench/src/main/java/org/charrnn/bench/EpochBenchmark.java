package org.charrnn.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One epoch as a user runs it, timed from process start to exit: our launcher training a config for
 * one epoch (start-up, JIT warm-up, final validation and checkpoint included), so a short run is
 * measured the way it is felt, not only its steady state.
 */
public final class EpochBenchmark {
    private static final Pattern ITERATIONS = Pattern.compile("^epoch: ([\\d,]+) iterations of ");

    /** Wall-clock seconds and the epoch's iterations of one run. */
    public record Result(double seconds, int iterations) {}

    /** One round: our run, and the peer's best of 1 and 2 threads on as many iterations (NaN without a peer). */
    public record Round(Result ours, double peerOneThread, double peerTwoThreads) {
        public double peerBest() {
            return Math.min(peerOneThread, peerTwoThreads);
        }
    }

    private EpochBenchmark() {}

    /**
     * Rounds of one epoch of {@code config}, ours then (with a peer) PyTorch at 1 and 2 threads on the
     * same number of iterations, each round reported as it ends.
     */
    public static List<Round> compare(Path launcher, Path config, Path text, int rounds, TorchPeer peer,
                                      java.util.function.Consumer<Round> report) throws IOException, InterruptedException {
        Path scratch = Files.createTempDirectory("charrnn-epoch");
        List<Round> all = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            Result o = ours(launcher, config, scratch);
            double one = peer == null ? Double.NaN : peer.epoch(o.iterations(), 1, text);
            double two = peer == null ? Double.NaN : peer.epoch(o.iterations(), 2, text);
            Round round = new Round(o, one, two);
            all.add(round);
            report.accept(round);
        }
        return all;
    }

    /** Runs {@code launcher train config} for one epoch into a fresh directory under {@code scratch}. */
    public static Result ours(Path launcher, Path config, Path scratch) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(scratch, "epoch");
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "train", config.toString(),
                "--set", "train.max_epochs=1", "--set", "train.checkpoint_dir=" + dir.resolve("run"),
                "--set", "sample.every=0", "--set", "train.print_every=1000000"));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        int iterations = -1;
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
                Matcher m = ITERATIONS.matcher(line);
                if (m.find()) iterations = Integer.parseInt(m.group(1).replace(",", ""));
            }
        }
        int code = p.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (code != 0 || iterations < 0) throw new IOException("one epoch of " + config + " failed:\n" + out);
        return new Result(seconds, iterations);
    }
}
