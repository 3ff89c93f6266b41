package org.charrnn.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.charrnn.api.CharRnnModel;
import org.charrnn.api.InvalidRequestException;
import org.charrnn.api.Score;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.BiConsumer;

/** charrnn eval CKPT [--split val|test | --file F]: loss in nats and bits per character. */
final class EvalCommand extends Command {
    @Override
    String name() {
        return "eval";
    }

    @Override
    String usage() {
        return "eval CKPT [--split val|test|train | --file TEXT [--skip-unknown]] [--max-chars N]";
    }

    @Override
    String summary() {
        return "Measure a checkpoint's loss on a split of its training text, or on another file.";
    }

    @Override
    Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("split").hasArg().argName("SPLIT").desc("val (default), test or train").build())
                .addOption(Option.builder().longOpt("file").hasArg().argName("FILE").desc("evaluate on this UTF-8 file instead").build())
                .addOption(Option.builder().longOpt("skip-unknown").desc("with --file: drop characters the model does not know").build())
                .addOption(Option.builder().longOpt("max-chars").hasArg().argName("N")
                        .desc("score only the first N characters (a split of a huge text takes hours whole)").build());
    }

    @Override
    int run(CommandLine cmd, Io io) {
        Path file = checkpoint(cmd, io);
        if (cmd.hasOption("split") && cmd.hasOption("file")) throw new UsageException("eval: give --split or --file, not both");
        if (cmd.hasOption("skip-unknown") && !cmd.hasOption("file")) {
            throw new UsageException("eval: --skip-unknown goes with --file (a split is the model's own text)");
        }
        String split = cmd.getOptionValue("split", "val");
        if (!split.equals("val") && !split.equals("test") && !split.equals("train")) {
            throw new UsageException("--split: '" + split + "' is not allowed; expected one of val, test, train");
        }
        long maxChars = cmd.hasOption("max-chars") ? longOption(cmd, "max-chars", 0) : Long.MAX_VALUE;
        if (maxChars < 2) throw new UsageException("--max-chars: '" + cmd.getOptionValue("max-chars") + "' is not allowed; expected an integer >= 2");
        CharRnnModel model = CharRnnModel.load(file);
        Score score;
        String what;
        // On a terminal, a progress bar on stderr: a long text can take minutes to score.
        try (ProgressBar bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName("eval")
                .setInitialMax(1).setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUnit(" batches", 1)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build()) {
            BiConsumer<Integer, Integer> progress = (done, total) -> {
                if (bar != null) bar.maxHint(total).stepTo(done);
            };
            if (cmd.hasOption("file")) {
                Path text = Path.of(cmd.getOptionValue("file"));
                what = text.toString();
                try {
                    score = model.score(text, cmd.hasOption("skip-unknown"), maxChars, progress);
                } catch (InvalidRequestException e) {
                    throw new UsageException("eval: --file " + e.problem()
                            + (e.unknown().isEmpty() ? "" : " (drop them with --skip-unknown)"));
                }
            } else {
                what = "the " + split + " split of " + String.join(", ", model.trainingText().stream().map(Path::toString).toList());
                try {
                    score = model.scoreSplit(split, maxChars, progress);
                } catch (InvalidRequestException e) {
                    throw new UsageException("eval: " + e.problem() + "; use another --split or --file");
                }
            }
        }
        io.out().printf(Locale.ROOT, "%s: %.4f nats/char, %.4f bits/char over %,d characters%n",
                what, score.natsPerChar(), score.bitsPerChar(), score.characters());
        return 0;
    }
}
