package org.charrnn.cli;

import org.charrnn.train.TrainingEvents;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** Training progress as plain lines, one per print_every iterations, and one per validation. */
final class ProgressPrinter implements TrainingEvents {
    private final PrintStream out;

    ProgressPrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void started(long iteration, long total, int perEpoch, long charsPerIteration) {
        out.printf(Locale.ROOT, "Training: %d iterations (%d per epoch, %d characters each), starting at %d%n",
                total, perEpoch, charsPerIteration, iteration);
    }

    @Override
    public void progress(Progress p) {
        out.printf(Locale.ROOT, "%d/%d (epoch %.3f), train_loss = %.4f, lr = %.2e, %,.0f chars/s, ETA %s%n",
                p.iteration(), p.totalIterations(), p.epoch(), p.trainLoss(), p.learningRate(), p.charsPerSecond(),
                duration(p.secondsLeft()));
        out.flush();
    }

    @Override
    public void validated(long iteration, double epoch, double valLoss, double trainLoss, Path checkpoint, boolean best) {
        String val = Double.isNaN(valLoss) ? "no validation split"
                : String.format(Locale.ROOT, "val_loss = %.4f nats/char (%.4f bits/char)", valLoss, valLoss / Math.log(2));
        out.printf(Locale.ROOT, "Validation at %d (epoch %.2f): %s, mean train_loss = %.4f; saved %s%s%n",
                iteration, epoch, val, trainLoss, checkpoint, best ? " (best so far)" : "");
        out.flush();
    }

    @Override
    public void message(String text) {
        out.println(text);
        out.flush();
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
