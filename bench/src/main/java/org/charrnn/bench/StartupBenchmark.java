package org.charrnn.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Start-up as a user feels it, with a watch: from the command to training's first progress line, and
 * {@code sample -n 200} from the command to its exit — ours through the launcher, the peer's scripts
 * the same way. The model is char-rnn's default (LSTM 2×128, batch 50, seq 50).
 */
public final class StartupBenchmark {
    /** Our progress line, either form (ProgressPrinter): "10/4235 (epoch ..." or "10 it, 0m03s/9m40s (epoch ...". */
    private static final Pattern OUR_PROGRESS = Pattern.compile("^\\d+(/\\d+| it, \\S+) \\(epoch ");
    private static final Pattern PEER_PROGRESS = Pattern.compile("^t=\\S+ iter=");

    /** Seconds from the command to its first progress line, to its exit, and the process's peak RSS (MiB). */
    public record Timed(double firstLineSeconds, double exitSeconds, double peakRssMiB) {}

    private StartupBenchmark() {}

    /** {@code launcher train} on {@code text} for five seconds, printing every update, into {@code dir} (which then holds last.zip). */
    public static Timed ourTraining(Path launcher, Path text, Path dir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "train", "--text", text.toString()));
        for (String set : List.of("train.checkpoint_dir=" + dir, "model.size=as_set", "model.type=lstm", "model.rnn_size=128",
                "model.num_layers=2", "model.dropout=0", "model.precision=f32", "train.batch_size=50", "train.seq_length=50",
                "train.max_time=5s", "train.print_every=1", "train.eval_val_every=1000000", "sample.every=0")) {
            cmd.add("--set");
            cmd.add(set);
        }
        return timed(cmd, OUR_PROGRESS.asPredicate(), null);
    }

    /** {@code launcher sample dir -n 200}, to its exit. */
    public static Timed ourSampling(Path launcher, Path dir) throws IOException, InterruptedException {
        return timed(List.of(launcher.toString(), "sample", dir.toString(), "-n", "200", "--seed", "1"), line -> false, null);
    }

    /** torch_charrnn.py's first reported update, a checkpoint saved to {@code ckpt}; then torch_sample.py's 200 characters, to its exit. */
    public static Timed[] peer(TorchPeer peer, Path text, Path ckpt) throws IOException, InterruptedException {
        Timed training = timed(peer.startupTrainCommand(text, ckpt), PEER_PROGRESS.asPredicate(), peer.environment());
        Timed sampling = timed(peer.startupSampleCommand(ckpt), line -> false, peer.environment());
        return new Timed[] {training, sampling};
    }

    /** Runs {@code cmd}: ours as the launcher set us up ({@code peerEnv} null), a peer as its user has it (2 threads). */
    private static Timed timed(List<String> cmd, Predicate<String> firstLine, java.util.Map<String, String> peerEnv)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (peerEnv != null) PeerProcess.asAPeerUserHasIt(pb.environment(), 2, peerEnv);
        long t0 = System.nanoTime();
        Process p = pb.start();
        PeakMemory peak = PeakMemory.watch(p.toHandle());
        double first = Double.NaN;
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (Double.isNaN(first) && firstLine.test(line)) first = (System.nanoTime() - t0) / 1e9;
                out.append(line).append('\n');
            }
        }
        int code = p.waitFor();
        double exit = (System.nanoTime() - t0) / 1e9;
        double rss = peak.stop();
        if (code != 0) throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
        return new Timed(first, exit, rss);
    }

    /** A fresh directory for one round's runs. */
    public static Path scratch() throws IOException {
        return Files.createTempDirectory(OurBenchmark.scratch(), "startup");
    }
}
