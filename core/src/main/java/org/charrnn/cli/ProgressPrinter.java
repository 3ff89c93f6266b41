package org.charrnn.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.charrnn.config.Durations;
import org.charrnn.train.StartReport;
import org.charrnn.train.TrainingEvents;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    private String threads = "";
    private final TrainingBar renderer = new TrainingBar();

    private String memory = "";

    /** Names the threads in force in the start report. */
    ProgressPrinter withThreads(String description) {
        threads = description;
        return this;
    }

    /** Says the memory limits in force in the start report. */
    ProgressPrinter withMemory(String description) {
        memory = description;
        return this;
    }

    @Override
    public void started(StartReport r) {
        for (String line : report(r, threads)) out.println(line);
        if (!memory.isEmpty()) out.println("memory: " + memory);
        out.flush();
        if (interactive) {
            bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(BAR_STEPS).setRenderer(renderer).setUpdateIntervalMillis(500)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).continuousUpdate().build();
        }
    }

    /** The start report, each line within 80 columns for ordinary names and sizes. */
    static List<String> report(StartReport r, String threads) {
        StartReport.Model m = r.model();
        StartReport.Text t = r.text();
        StartReport.Schedule e = r.schedule();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "run %s: %s", r.name(), r.startIteration() == 0 ? "a new run"
                : String.format(Locale.ROOT, "resuming at iteration %,d (epoch %.2f)", r.startIteration(),
                (double) r.startIteration() / e.iterationsPerEpoch())));
        lines.add(String.format(Locale.ROOT, "model: %s, %d layer%s of %d%s: %,d parameters", m.cell(), m.layers(),
                m.layers() == 1 ? "" : "s", m.rnnSize(), m.dropout() > 0 ? ", dropout " + trim(m.dropout()) : "", m.parameters()));
        lines.add(String.format(Locale.ROOT, "data: vocabulary %,d; %,d train, %,d val, %,d test characters", t.vocabulary(),
                t.trainChars(), t.valChars(), t.testChars()));
        if (t.valScored() < t.valChars()) {
            lines.add(String.format(Locale.ROOT, "validation: the first %,d val characters (train.val_chars)", t.valScored()));
        }
        lines.add(String.format(Locale.ROOT, "epoch: %,d iterations of %,d characters; max_epochs %d = %,d iterations",
                e.iterationsPerEpoch(), e.charsPerIteration(), e.maxEpochs(), e.totalIterations()));
        if (e.budgetSeconds() > 0) {
            lines.add("budget: " + Durations.format(e.budgetSeconds()) + " of training (train.max_time), whichever ends first");
        }
        lines.add("checkpoints: " + r.checkpointDir());
        if (!threads.isEmpty()) lines.add("threads: " + threads);
        return lines;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** The bar counts the run's progress (iterations, or the time budget when that governs) in these steps. */
    private static final long BAR_STEPS = 1000;

    @Override
    public void progress(Progress p) {
        if (bar != null) {
            renderer.update(p);
            bar.stepTo((long) (p.fraction() * BAR_STEPS));
            return;
        }
        out.println(pipeLine(p));
        out.flush();
    }

    /**
     * One progress line for a pipe or a log: "840/3395 (epoch 1.99) train_loss 1.5975 lr 1.82e-03 5,738 ch/s ETA 22m35s";
     * under a time budget that governs the run: "840 it, 2m02s/9m40s (epoch 1.99) train_loss ...".
     */
    static String pipeLine(Progress p) {
        String where = p.timeGoverns() ? String.format(Locale.ROOT, "%d it, %s/%s", p.iteration(), duration(p.elapsedSeconds()),
                duration(p.budgetSeconds())) : p.iteration() + "/" + p.totalIterations();
        return String.format(Locale.ROOT, "%s (epoch %.2f) train_loss %.4f lr %.2e %,.0f ch/s ETA %s%s",
                where, p.epoch(), p.trainLoss(), p.learningRate(), p.charsPerSecond(), duration(p.secondsLeft()),
                p.engine().isEmpty() ? "" : " | " + p.engine());
    }

    @Override
    public void validated(long iteration, double epoch, double valLoss, double trainLoss, Path checkpoint, boolean best) {
        for (String l : validationLines(iteration, epoch, valLoss, trainLoss, checkpoint, best)) line(l);
    }

    /** Two lines within 80 columns: the losses, then the checkpoint written. */
    static List<String> validationLines(long iteration, double epoch, double valLoss, double trainLoss, Path checkpoint,
                                        boolean best) {
        String val = Double.isNaN(valLoss) ? "no validation split"
                : String.format(Locale.ROOT, "val_loss %.4f (%.3f bits/char)", valLoss, valLoss / Math.log(2));
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Validation at %d (epoch %.2f): %s", iteration, epoch, val));
        lines.add(String.format(Locale.ROOT, "  mean_train_loss %.4f; saved %s%s", trainLoss,
                checkpoint == null ? "nothing" : checkpoint.getFileName(), best ? " (best so far)" : ""));
        return lines;
    }

    @Override
    public void message(String text) {
        for (String l : wrap(text, 80)) line(l);
    }

    /** A message as lines of at most {@code width} columns, broken at spaces, continuation lines indented. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder("  ");
            } else if (line.length() > 0 && !line.toString().equals("  ")) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    private Session session;

    @Override
    public void ended(Session s) {
        session = s;
    }

    /** The session's wall clock once the run ended, or null before. */
    Session session() {
        return session;
    }

    /**
     * What the Done line adds, within 80 columns: "14,802 chars/s in 9m38s: updates 91%, validation 6%,
     * saving 1%, other 2%", the pace from the session's start to its last update as a watch times it.
     */
    static String paceLine(Session s) {
        return String.format(Locale.ROOT, "%,.0f chars/s in %s: updates %.0f%%, validation %.0f%%, saving %.0f%%, other %.0f%%",
                s.charsPerSecond(), duration(s.wallSeconds()), 100 * s.share(s.updateSeconds()),
                100 * s.share(s.validationSeconds()), 100 * s.share(s.checkpointSeconds()), 100 * s.share(s.otherSeconds()));
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
