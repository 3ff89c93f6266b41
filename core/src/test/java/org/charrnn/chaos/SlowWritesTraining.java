package org.charrnn.chaos;

import org.charrnn.checkpoint.CheckpointWriter;
import org.charrnn.config.ConfigLoader;
import org.charrnn.config.RunConfig;
import org.charrnn.files.AtomicFiles;
import org.charrnn.train.TrainingEvents;
import org.charrnn.train.TrainingRun;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The chaos test's child process: trains CONFIG as {@code charrnn train CONFIG [--resume last]} does, with
 * every checkpoint write pausing once its first bytes are out, so that a kill often lands inside one.
 * It prints each update as {@code N/TOTAL (epoch E)} for the test to follow.
 */
public final class SlowWritesTraining {
    static final long PAUSE_MS = 150;

    private SlowWritesTraining() {}

    public static void main(String[] args) throws IOException {
        RunConfig config = ConfigLoader.load(Path.of(args[0]), List.of());
        boolean resume = args.length > 1 && args[1].equals("--resume");
        Path last = Path.of(config.train().checkpointDir()).resolve("last.zip");
        AtomicFiles slow = new AtomicFiles(path -> new Paused(AtomicFiles.DEFAULT.open(path)));
        TrainingEvents progress = new TrainingEvents() {
            @Override
            public void iteration(Progress p, ComputationGraph graph) {
                System.out.printf(java.util.Locale.ROOT, "%d/%d (epoch %.2f)%n", p.iteration(), p.totalIterations(), p.epoch());
                System.out.flush();
            }
        };
        try (TrainingRun run = TrainingRun.prepare(config, resume ? TrainingRun.Mode.RESUME : TrainingRun.Mode.FRESH,
                resume ? last : null, progress, new CheckpointWriter(slow))) {
            run.run(progress);
        }
        System.exit(0); // ND4J's non-daemon threads
    }

    /** Pauses once, after the first bytes of a file have reached it. */
    private static final class Paused extends FilterOutputStream {
        private boolean paused;

        Paused(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            pause();
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            pause();
        }

        private void pause() throws IOException {
            if (paused) return;
            paused = true;
            out.flush();
            try {
                Thread.sleep(PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
