package org.charrnn.bench;

import org.charrnn.config.ModelConfig;
import org.charrnn.config.TrainConfig;
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
    /** Our main beside the peer's: the same training under CPU autocast to bf16 (a resource of this package). */
    private static final String AUTOCAST_MAIN = "AutocastBf16CharRnn";

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
        if (!Files.exists(jar) || newerThan(source, jar) || !Files.exists(copy.resolve("target/classes/" + AUTOCAST_MAIN + ".class"))) {
            progress.accept("building the libtorch 2.10 peer in " + copy + " (the first build downloads ~110 MB) ...");
            copyTree(source, copy);
            addAutocastMain(copy);
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
        // bf16: ours with bf16 products against libtorch under CPU autocast to bf16 (its best precision on this CPU).
        return m.cell() != ModelConfig.Cell.RNN && m.optimizer() == TrainConfig.Optimizer.RMSPROP && !m.layerNorm();
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
        List<String> launch = m.precision() == ModelConfig.Precision.BF16
                ? List.of("java", "-cp", jar + java.io.File.pathSeparator + jar.resolveSibling("lib") + "/*", AUTOCAST_MAIN)
                : List.of("java", "-jar", jar.toString());
        List<String> cmd = new ArrayList<>(launch);
        cmd.addAll(List.of("--data", d.toAbsolutePath().toString(), "--model", m.cell().toString(),
                "--num_layers", "" + m.layers(), "--rnn_size", "" + m.units(), "--batch_size", "" + m.batch(), "--seq_length",
                "" + m.seqLength(), "--lr", "" + m.learningRate(), "--threads", "" + threads));
        return cmd;
    }

    private static void addAutocastMain(Path copy) throws IOException {
        try (var in = LibtorchPeer.class.getResourceAsStream(AUTOCAST_MAIN + ".java")) {
            if (in == null) throw new IOException(AUTOCAST_MAIN + ".java is missing from the charrnn jar");
            Files.copy(in, copy.resolve("src/main/java/" + AUTOCAST_MAIN + ".java"), StandardCopyOption.REPLACE_EXISTING);
        }
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
