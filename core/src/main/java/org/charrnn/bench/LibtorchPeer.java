package org.charrnn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * shared/peers/libtorch: the same training work on libtorch 2.10 (JavaCPP's org.bytedeco:pytorch),
 * whose LSTM runs on oneDNN's fused RNN primitive — the PyTorch a user picks today. shared/ is
 * read-only where CI runs, so it is copied under target/ and built there with Maven once; its own
 * OpenBLAS pool stays at one thread and its OpenMP threads are the thread count, as its README says.
 * LSTM and GRU with RMSProp only.
 */
public final class LibtorchPeer implements Peer {
    private static final Pattern TRAIN = Pattern.compile("steady_chars_per_s=([0-9.]+)");
    private static final Pattern SAMPLE = Pattern.compile("sampled_chars=.* chars_per_s=([0-9.]+)");
    private static final Pattern BACKEND = Pattern.compile("lstm_backend=(\\S+)");

    private final Path jar;
    private final Path text;

    private LibtorchPeer(Path jar, Path text) {
        this.jar = jar;
        this.text = text;
    }

    /**
     * The peer built under {@code buildRoot} from {@code peers}/libtorch (rebuilt when its sources are
     * newer than the jar); {@code progress} hears what is happening. Throws IOException saying why
     * it cannot be built.
     */
    public static LibtorchPeer build(Path peers, Path buildRoot, java.util.function.Consumer<String> progress)
            throws IOException, InterruptedException {
        Path source = peers.resolve("libtorch");
        if (!Files.isRegularFile(source.resolve("pom.xml"))) throw new IOException(source.resolve("pom.xml") + " not found");
        Path copy = buildRoot.resolve("libtorch-peer");
        Path jar = copy.resolve("target/libtorch-charrnn-1.0.jar");
        if (!Files.exists(jar) || newerThan(source, jar)) {
            progress.accept("building the libtorch 2.10 peer in " + copy + " (the first build downloads ~110 MB) ...");
            copyTree(source, copy);
            List<String> mvn = List.of("mvn", "-B", "-q", "-ntp", "-f", copy.resolve("pom.xml").toString(), "package");
            PeerProcess.run(mvn, 1, Map.of());
            if (!Files.exists(jar)) throw new IOException("the libtorch peer's build made no " + jar);
        }
        return new LibtorchPeer(jar, peers.resolve("../data/tinyshakespeare/input.txt").normalize());
    }

    @Override
    public String name() {
        return "libtorch 2.10";
    }

    @Override
    public boolean supports(BenchModel m) {
        return (m.cell().equals("lstm") || m.cell().equals("gru")) && m.optimizer().equals("rmsprop") && m.precision().equals("f32") && !m.layerNorm();
    }

    @Override
    public Speed training(BenchModel m, int threads, double seconds, Path data) throws IOException, InterruptedException {
        List<String> cmd = command(m, threads, data);
        cmd.addAll(List.of("--max_seconds", "" + seconds, "--skip_val", "--warmup_iters", "3"));
        return Speed.of(TRAIN, PeerProcess.run(cmd, threads, Map.of()));
    }

    @Override
    public double sampling(BenchModel m, int threads) throws IOException, InterruptedException {
        List<String> cmd = command(m, threads, null);
        cmd.addAll(List.of("--max_seconds", "0", "--sample", "2000", "--show", "0"));
        return PeerProcess.last(SAMPLE, PeerProcess.run(cmd, threads, Map.of()).text());
    }

    @Override
    public String kernels(BenchModel m) throws IOException, InterruptedException {
        List<String> cmd = command(m, 1, null);
        cmd.addAll(List.of("--max_iters", "2", "--skip_val"));
        String out = PeerProcess.run(cmd, 1, Map.of("OPENBLAS_VERBOSE", "2", "ONEDNN_VERBOSE", "1")).text();
        java.util.regex.Matcher b = BACKEND.matcher(out);
        String backend = b.find() ? b.group(1) : "?";
        return PeerProcess.kernels(out) + ", " + (backend.startsWith("Mkldnn") ? "oneDNN's fused RNN primitive" : "ATen's own cells")
                + " (" + backend + ")";
    }

    private List<String> command(BenchModel m, int threads, Path data) {
        Path d = data != null ? data : text;
        return new ArrayList<>(List.of("java", "-jar", jar.toString(), "--data", d.toAbsolutePath().toString(), "--model", m.cell(),
                "--num_layers", "" + m.layers(), "--rnn_size", "" + m.units(), "--batch_size", "" + m.batch(), "--seq_length",
                "" + m.seqLength(), "--lr", "" + m.learningRate(), "--threads", "" + threads));
    }

    private static boolean newerThan(Path tree, Path file) throws IOException {
        long built = Files.getLastModifiedTime(file).toMillis();
        try (Stream<Path> s = Files.walk(tree)) {
            return s.filter(Files::isRegularFile).anyMatch(p -> {
                try {
                    return Files.getLastModifiedTime(p).toMillis() > built;
                } catch (IOException e) {
                    return true;
                }
            });
        }
    }

    /** pom.xml and src/ only: the peer's logs and build outputs stay where they are. */
    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        Files.copy(from.resolve("pom.xml"), to.resolve("pom.xml"), StandardCopyOption.REPLACE_EXISTING);
        try (Stream<Path> s = Files.walk(from.resolve("src"))) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
