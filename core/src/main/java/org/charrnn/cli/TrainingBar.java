package org.charrnn.cli;

import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;
import org.charrnn.train.TrainingEvents.Progress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The terminal's progress line, laid out for the terminal's width (80 columns and up): the labelled
 * figures first (iterations, loss, speed, ETA), the bar takes what they leave; on a narrow terminal
 * the speed, then the loss, give way before the bar shrinks below ten cells.
 */
final class TrainingBar implements ProgressBarRenderer {
    private static final String EIGHTHS = " ▏▎▍▌▋▊▉";
    private static final int MIN_BAR = 10;
    private volatile Progress last;

    void update(Progress p) {
        last = p;
    }

    @Override
    public String render(ProgressState state, int maxLength) {
        Progress p = last;
        return p == null ? "train" : line(p, maxLength);
    }

    /**
     * "train  21% [██▍      ] 73/345 it  loss 3.110  17,800 ch/s  ETA 0m44s", at most {@code width}
     * columns; when a time budget governs the run, its time instead of the iterations:
     * "train  21% [██▍      ] 2m02s/9m40s  loss ...".
     */
    static String line(Progress p, int width) {
        double fraction = p.fraction();
        String percent = String.format(Locale.ROOT, "%3d%%", (int) Math.floor(100 * fraction));
        List<String> figures = new ArrayList<>();
        figures.add(p.timeGoverns() ? ProgressPrinter.duration(p.elapsedSeconds()) + "/" + ProgressPrinter.duration(p.budgetSeconds())
                : p.iteration() + "/" + p.totalIterations() + " it");
        figures.add(String.format(Locale.ROOT, "loss %.3f", p.trainLoss()));
        figures.add(String.format(Locale.ROOT, "%,.0f ch/s", p.charsPerSecond()));
        figures.add("ETA " + ProgressPrinter.duration(p.secondsLeft()));
        boolean engine = !p.engine().isEmpty();
        if (engine) figures.add(p.engine()); // a distributed run's compute and communication: the first to go when narrow
        String head = "train " + percent + " [";
        while (true) {
            String tail = "] " + String.join("  ", figures);
            int bar = width - head.length() - tail.length();
            if (bar >= MIN_BAR || figures.size() <= 2) {
                bar = Math.max(1, bar);
                String line = head + cells(fraction, bar) + tail;
                return line.length() <= width ? line : line.substring(0, Math.max(0, width));
            }
            if (engine) {
                figures.remove(figures.size() - 1);
                engine = false;
                continue;
            }
            figures.remove(figures.size() > 3 ? 2 : 1); // the speed goes first, then the loss; the ETA stays
        }
    }

    private static String cells(double fraction, int width) {
        double filled = Math.min(1.0, fraction) * width;
        int full = (int) filled;
        StringBuilder b = new StringBuilder("█".repeat(full));
        if (full < width) {
            b.append(EIGHTHS.charAt((int) ((filled - full) * 8)));
            b.append(" ".repeat(width - full - 1));
        }
        return b.toString();
    }
}
