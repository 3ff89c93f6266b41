package org.charrnn.bench;

import java.io.IOException;
import java.nio.file.Path;

/** A reference implementation bench measures beside ours, on the same shapes. */
public interface Peer {
    /** "libtorch 2.10", "PyTorch 1.13". */
    String name();

    /** Whether it trains this cell. */
    boolean supports(BenchModel m);

    /** Steady-state training chars/s on {@code text} (null: its default, tiny-shakespeare). */
    double training(BenchModel m, int threads, double seconds, Path text) throws IOException, InterruptedException;

    /** Sampling chars/s, batch 1. */
    double sampling(BenchModel m, int threads) throws IOException, InterruptedException;

    /** The kernels it runs for this shape, read from a short run's verbose output. */
    String kernels(BenchModel m) throws IOException, InterruptedException;
}
