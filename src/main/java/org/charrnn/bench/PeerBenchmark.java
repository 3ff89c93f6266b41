package org.charrnn.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the references in ../shared/peers the way their README says: the PyTorch char-rnn (Debian's
 * python3-torch, OpenBLAS picked explicitly, a given number of threads) and min-char-rnn's numpy
 * gist; parses their summary figures.
 */
public final class PeerBenchmark {
    private static final Pattern TRAIN = Pattern.compile("steady_chars_per_s=([0-9.]+)");
    private static final Pattern SAMPLE = Pattern.compile("chars_per_s=([0-9.]+)");
    private static final Pattern GIST = Pattern.compile("summary .*chars_per_s=([0-9.]+)");

    private final Path peers;
    private final String python;

    public PeerBenchmark(Path peers, String python) {
        this.peers = peers;
        this.python = python;
    }

    /** Debian's interpreter, which has python3-torch (a pyenv or venv python on the PATH may not). */
    public static final String PYTHON = "/usr/bin/python3";

    /** Where the references are unless --peer-dir says: $CHARRNN_PEERS, else ../shared/peers beside the repository. */
    public static String defaultDirectory() {
        String env = System.getenv("CHARRNN_PEERS");
        return env != null && !env.isBlank() ? env : "../shared/peers";
    }

    /** Steady-state training chars/s; on {@code text} when given, else on the peer's default (tiny-shakespeare). */
    public double training(BenchModel m, int threads, double seconds, Path text) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, peers.resolve("torch_charrnn.py").toString(), "--model", m.cell(),
                "--num_layers", "" + m.layers(), "--rnn_size", "" + m.units(), "--batch_size", "" + m.batch(),
                "--seq_length", "" + m.seqLength(), "--optim", m.optimizer(), "--lr", "" + m.learningRate(),
                "--threads", "" + threads, "--max_seconds", "" + seconds, "--skip_val", "--warmup_iters", "3"));
        if (text != null) cmd.addAll(List.of("--data", text.toAbsolutePath().toString()));
        return parse(TRAIN, run(cmd, threads));
    }

    /** Wall-clock seconds, process start to exit, of {@code iterations} training updates on {@code text} (no validation). */
    public double epoch(int iterations, int threads, Path text) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        run(List.of(python, peers.resolve("torch_charrnn.py").toString(), "--max_iters", "" + iterations, "--skip_val",
                "--threads", "" + threads, "--data", text.toAbsolutePath().toString()), threads);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** min-char-rnn's numpy gist (hidden 100, seq 25, Adagrad 0.1, batch 1): training chars/s. */
    public double gist(double seconds) throws IOException, InterruptedException {
        String out = run(List.of(python, peers.resolve("min_char_rnn.py").toString(), "--max_seconds", "" + seconds,
                "--eval_every", "0"), 1);
        return parse(GIST, out);
    }

    public double sampling(BenchModel m, int threads, Path scratch) throws IOException, InterruptedException {
        Path ckpt = scratch.resolve("peer_" + m.cell() + "_" + m.layers() + "x" + m.units() + ".pt");
        if (!Files.exists(ckpt)) {
            run(List.of(python, peers.resolve("torch_charrnn.py").toString(), "--model", m.cell(), "--num_layers", "" + m.layers(),
                    "--rnn_size", "" + m.units(), "--max_iters", "1", "--skip_val", "--threads", "1",
                    "--save", ckpt.toString()), 1);
        }
        String out = run(List.of(python, peers.resolve("torch_sample.py").toString(), "--checkpoint", ckpt.toString(),
                "--length", "2000", "--threads", "" + threads, "--show", "0"), threads);
        return parse(SAMPLE, out);
    }

    private static double parse(Pattern p, String out) {
        Matcher m = p.matcher(out);
        double last = Double.NaN;
        while (m.find()) last = Double.parseDouble(m.group(1));
        return last;
    }

    private String run(List<String> cmd, int threads) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("LD_LIBRARY_PATH", "/usr/lib/x86_64-linux-gnu/openblas-openmp");
        env.put("OMP_NUM_THREADS", "" + threads);
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        StringBuilder sb = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) sb.append(line).append('\n');
        }
        if (p.waitFor() != 0) throw new IOException("peer failed: " + String.join(" ", cmd) + "\n" + sb);
        return sb.toString();
    }
}
