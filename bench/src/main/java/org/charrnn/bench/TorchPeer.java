package org.charrnn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Debian's PyTorch 1.13 running shared/peers/torch_charrnn.py and torch_sample.py the way their
 * README says (OpenMP OpenBLAS picked explicitly, a given number of threads); also min-char-rnn's
 * numpy gist for min-char-rnn's own shape.
 */
public final class TorchPeer implements Peer {
    /** Debian's interpreter, which has python3-torch (a pyenv or venv python on the PATH may not). */
    public static final String PYTHON = "/usr/bin/python3";
    private static final Pattern TRAIN = Pattern.compile("steady_chars_per_s=([0-9.]+)");
    private static final Pattern SAMPLE = Pattern.compile("chars_per_s=([0-9.]+)");
    private static final Pattern GIST = Pattern.compile("summary .*chars_per_s=([0-9.]+)");
    /**
     * Debian's OpenMP OpenBLAS (the default reference BLAS is many times slower, not a fair peer), and
     * idle OpenMP threads that sleep: on a shared machine spinning ones collapse its throughput.
     */
    private static final Map<String, String> OPENBLAS = Map.of("LD_LIBRARY_PATH", "/usr/lib/x86_64-linux-gnu/openblas-openmp",
            "OMP_WAIT_POLICY", "PASSIVE");

    private final Path peers;
    private final Path scratch;

    public TorchPeer(Path peers) throws IOException {
        this.peers = peers;
        this.scratch = Files.createTempDirectory("charrnn-peer");
    }

    /** Why it cannot run here, or null. */
    public static String unavailable(Path peers) {
        if (!Files.exists(peers.resolve("torch_charrnn.py"))) return peers.resolve("torch_charrnn.py") + " not found";
        if (!Files.exists(Path.of(PYTHON))) return PYTHON + " not found (apt-get install python3-torch)";
        return null;
    }

    @Override
    public String name() {
        return "PyTorch 1.13";
    }

    @Override
    public boolean supports(BenchModel m) {
        return m.precision() == org.charrnn.config.ModelConfig.Precision.F32 && !m.layerNorm();
    }

    @Override
    public Speed training(BenchModel m, int threads, double seconds, Path text) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(trainCommand(m, threads));
        cmd.addAll(List.of("--max_seconds", "" + seconds, "--skip_val", "--warmup_iters", "3"));
        if (text != null) cmd.addAll(List.of("--data", text.toAbsolutePath().toString()));
        return Speed.of(TRAIN, PeerProcess.run(cmd, threads, OPENBLAS));
    }

    /** Wall-clock seconds, process start to exit, of {@code iterations} training updates on {@code text} (no validation). */
    public double epoch(int iterations, int threads, Path text) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        PeerProcess.run(List.of(PYTHON, peers.resolve("torch_charrnn.py").toString(), "--max_iters", "" + iterations, "--skip_val",
                "--threads", "" + threads, "--data", text.toAbsolutePath().toString()), threads, OPENBLAS);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** min-char-rnn's numpy gist (hidden 100, seq 25, Adagrad 0.1, batch 1): training chars/s. */
    public Speed gist(double seconds) throws IOException, InterruptedException {
        return Speed.of(GIST, PeerProcess.run(List.of(PYTHON, peers.resolve("min_char_rnn.py").toString(), "--max_seconds",
                "" + seconds, "--eval_every", "0"), 1, OPENBLAS));
    }

    @Override
    public double sampling(BenchModel m, int threads) throws IOException, InterruptedException {
        Path ckpt = scratch.resolve("peer_" + m.cell() + "_" + m.layers() + "x" + m.units() + ".pt");
        if (!Files.exists(ckpt)) {
            List<String> cmd = new ArrayList<>(trainCommand(m, 1));
            cmd.addAll(List.of("--max_iters", "1", "--skip_val", "--save", ckpt.toString()));
            PeerProcess.run(cmd, 1, OPENBLAS);
        }
        return PeerProcess.last(SAMPLE, PeerProcess.run(List.of(PYTHON, peers.resolve("torch_sample.py").toString(), "--checkpoint",
                ckpt.toString(), "--length", "2000", "--threads", "" + threads, "--show", "0"), threads, OPENBLAS).text());
    }

    @Override
    public String kernels(BenchModel m) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(trainCommand(m, 1));
        cmd.addAll(List.of("--max_iters", "1", "--skip_val"));
        Map<String, String> env = new java.util.HashMap<>(OPENBLAS);
        env.put("OPENBLAS_VERBOSE", "2");
        return PeerProcess.kernels(PeerProcess.run(cmd, 1, env).text()) + ", ATen's own cells";
    }

    /** The environment its scripts run in: OpenMP OpenBLAS, sleeping idle threads. */
    Map<String, String> environment() {
        return OPENBLAS;
    }

    /** char-rnn's default model on {@code text}, reporting its first update and saving to {@code ckpt} after a few. */
    List<String> startupTrainCommand(Path text, Path ckpt) {
        List<String> cmd = new ArrayList<>(trainCommand(BenchModel.parse("2x128"), 2));
        cmd.addAll(List.of("--data", text.toAbsolutePath().toString(), "--max_iters", "20", "--skip_val", "--eval_every", "0.0001",
                "--warmup_iters", "0", "--save", ckpt.toString()));
        return cmd;
    }

    /** 200 characters from {@code ckpt}, none of them untimed warm-up, none shown. */
    List<String> startupSampleCommand(Path ckpt) {
        return List.of(PYTHON, peers.resolve("torch_sample.py").toString(), "--checkpoint", ckpt.toString(), "--length", "200",
                "--warmup", "0", "--threads", "2", "--show", "0");
    }

    private List<String> trainCommand(BenchModel m, int threads) {
        return List.of(PYTHON, peers.resolve("torch_charrnn.py").toString(), "--model", m.cell().toString(), "--num_layers", "" + m.layers(),
                "--rnn_size", "" + m.units(), "--batch_size", "" + m.batch(), "--seq_length", "" + m.seqLength(), "--optim",
                m.optimizer().toString(), "--lr", "" + m.learningRate(), "--threads", "" + threads);
    }
}
