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
        return line(state.getCurrent(), state.getMax(), last, maxLength);
    }

    /** "train  21% [██▍      ] 73/345 it  loss 3.110  17,800 ch/s  ETA 0m44s", at most {@code width} columns. */
    static String line(long current, long max, Progress p, int width) {
        String percent = String.format(Locale.ROOT, "%3d%%", max <= 0 ? 0 : Math.min(100, 100 * current / max));
        List<String> figures = new ArrayList<>();
        figures.add(current + "/" + max + " it");
        if (p != null) {
            figures.add(String.format(Locale.ROOT, "loss %.3f", p.trainLoss()));
            figures.add(String.format(Locale.ROOT, "%,.0f ch/s", p.charsPerSecond()));
            figures.add("ETA " + ProgressPrinter.duration(p.secondsLeft()));
        }
        String head = "train " + percent + " [";
        while (true) {
            String tail = "] " + String.join("  ", figures);
            int bar = width - head.length() - tail.length();
            if (bar >= MIN_BAR || figures.size() <= 2) {
                bar = Math.max(1, bar);
                String line = head + cells(current, max, bar) + tail;
                return line.length() <= width ? line : line.substring(0, Math.max(0, width));
            }
            figures.remove(figures.size() > 3 ? 2 : 1); // the speed goes first, then the loss; the ETA stays
        }
    }

    private static String cells(long current, long max, int width) {
        double filled = max <= 0 ? 0 : Math.min(1.0, (double) current / max) * width;
        int full = (int) filled;
        StringBuilder b = new StringBuilder("█".repeat(full));
        if (full < width) {
            b.append(EIGHTHS.charAt((int) ((filled - full) * 8)));
            b.append(" ".repeat(width - full - 1));
        }
        return b.toString();
    }
}
