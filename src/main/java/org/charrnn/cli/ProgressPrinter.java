package org.charrnn.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.charrnn.train.TrainingEvents;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Training progress: a progress bar with ETA on a terminal (progressbar library, drawn on stderr),
 * plain lines every print_every iterations otherwise (CI, pipes). Validations are always a line.
 */
final class ProgressPrinter implements TrainingEvents {
    /**
     * A closed standard output (train ... | head) stops the run as Ctrl-C does: after the update in
     * flight, with last.zip saved — nobody is reading, and nothing should be lost.
     */
    @Override
    public boolean stopRequested() {
        return out.checkError();
    }

    private final PrintStream out;
    private final boolean interactive;
    private ProgressBar bar;

    ProgressPrinter(PrintStream out) {
        this(out, System.console() != null);
    }

    ProgressPrinter(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    private long budgetSeconds;

    /** Says the run's train.max_time in the start line. */
    ProgressPrinter withBudget(long seconds) {
        budgetSeconds = seconds;
        return this;
    }

    @Override
    public void started(long iteration, long total, int perEpoch, long charsPerIteration) {
        out.printf(Locale.ROOT, "Training: %d iterations (%d per epoch, %d characters each), starting at %d%s%n",
                total, perEpoch, charsPerIteration, iteration, budgetSeconds > 0
                        ? ", or until train.max_time " + org.charrnn.config.Durations.format(budgetSeconds) + " of training" : "");
        if (interactive) {
            bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(total).startsFrom(iteration, Duration.ZERO)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(500).setUnit(" it", 1)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).continuousUpdate().build();
        }
    }

    @Override
    public void progress(Progress p) {
        if (bar != null) {
            bar.maxHint(p.totalIterations()); // under a time budget: where the budget is expected to end the run
            bar.stepTo(p.iteration());
            bar.setExtraMessage(String.format(Locale.ROOT, " epoch %.2f loss %.4f %,.0f chars/s", p.epoch(), p.trainLoss(),
                    p.charsPerSecond()));
            return;
        }
        out.printf(Locale.ROOT, "%d/%d (epoch %.3f), train_loss = %.4f, lr = %.2e, %,.0f chars/s, ETA %s%n",
                p.iteration(), p.totalIterations(), p.epoch(), p.trainLoss(), p.learningRate(), p.charsPerSecond(),
                duration(p.secondsLeft()));
        out.flush();
    }

    @Override
    public void validated(long iteration, double epoch, double valLoss, double trainLoss, Path checkpoint, boolean best) {
        String val = Double.isNaN(valLoss) ? "no validation split"
                : String.format(Locale.ROOT, "val_loss = %.4f nats/char (%.4f bits/char)", valLoss, valLoss / Math.log(2));
        line(String.format(Locale.ROOT, "Validation at %d (epoch %.2f): %s, mean train_loss = %.4f; saved %s%s",
                iteration, epoch, val, trainLoss, checkpoint, best ? " (best so far)" : ""));
    }

    @Override
    public void message(String text) {
        line(text);
    }

    @Override
    public void finished() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    private void line(String text) {
        if (bar != null) System.err.print("\r\033[K"); // clear the bar's line; it redraws itself
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
