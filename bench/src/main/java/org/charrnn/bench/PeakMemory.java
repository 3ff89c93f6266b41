package org.charrnn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peak resident memory of a child process and its descendants (our launcher may start a second
 * JVM sized to its model): each one's VmHWM, read every 50 ms while it runs, the largest of them —
 * what {@code /usr/bin/time -v} reports as its maximum resident set size. NaN off Linux.
 */
final class PeakMemory {
    private final AtomicLong peakKb = new AtomicLong(-1);
    private final Thread watcher;

    private PeakMemory(ProcessHandle process) {
        watcher = new Thread(() -> {
            while (process.isAlive()) {
                sample(process);
                process.descendants().forEach(this::sample);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "peak-memory");
        watcher.setDaemon(true);
        watcher.start();
    }

    static PeakMemory watch(ProcessHandle process) {
        return new PeakMemory(process);
    }

    /** Stops watching; the peak seen, MiB (NaN when none could be read). */
    double stop() {
        watcher.interrupt();
        try {
            watcher.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long kb = peakKb.get();
        return kb < 0 ? Double.NaN : kb / 1024.0;
    }

    private void sample(ProcessHandle p) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    peakKb.accumulateAndGet(kb, Math::max);
                }
            }
        } catch (IOException | NumberFormatException | UnsupportedOperationException gone) {
            // ended between the listing and the read, or not Linux
        }
    }
}
