package org.charrnn.bench;

import java.io.IOException;
import java.nio.file.Path;

/** A reference implementation bench measures beside ours, on the same shapes. */
public interface Peer {
    /** "libtorch 2.10", "PyTorch 1.13". */
    String name();

    /** Whether it trains this cell. */
    boolean supports(BenchModel m);

    /** Steady-state training chars/s on {@code text} (null: its default, tiny-shakespeare), and the run's peak memory. */
    Speed training(BenchModel m, int threads, double seconds, Path text) throws IOException, InterruptedException;

    /** A run's training chars/s and its process's peak resident memory (MiB). */
    record Speed(double charsPerSecond, double peakRssMiB) {
        static Speed of(java.util.regex.Pattern figure, PeerProcess.Output out) {
            return new Speed(PeerProcess.last(figure, out.text()), out.peakRssMiB());
        }
    }

    /** Sampling chars/s, batch 1. */
    double sampling(BenchModel m, int threads) throws IOException, InterruptedException;

    /** The kernels it runs for this shape, read from a short run's verbose output. */
    String kernels(BenchModel m) throws IOException, InterruptedException;
}
