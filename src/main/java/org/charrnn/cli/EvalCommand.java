package org.charrnn.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.charrnn.checkpoint.Checkpoint;
import org.charrnn.checkpoint.CheckpointReader;
import org.charrnn.config.RunConfig;
import org.charrnn.data.Corpus;
import org.charrnn.data.Region;
import org.charrnn.data.Splits;
import org.charrnn.train.Evaluator;
import org.charrnn.train.Trainer;

import java.nio.file.Path;
import java.util.Locale;

/** charrnn eval CKPT [--split val|test | --file F]: loss in nats and bits per character. */
final class EvalCommand extends Command {
    @Override
    String name() {
        return "eval";
    }

    @Override
    String usage() {
        return "eval CKPT [--split val|test|train | --file TEXT]";
    }

    @Override
    String summary() {
        return "Measure a checkpoint's loss on a split of its training text, or on another file.";
    }

    @Override
    Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("split").hasArg().argName("SPLIT").desc("val (default), test or train").build())
                .addOption(Option.builder().longOpt("file").hasArg().argName("FILE").desc("evaluate on this UTF-8 file instead").build());
    }

    @Override
    int run(CommandLine cmd, Io io) {
        Path file = Path.of(positional(cmd, "CKPT"));
        if (cmd.hasOption("split") && cmd.hasOption("file")) throw new UsageException("eval: give --split or --file, not both");
        String split = cmd.getOptionValue("split", "val");
        if (!split.equals("val") && !split.equals("test") && !split.equals("train")) {
            throw new UsageException("--split: '" + split + "' is not allowed; expected one of val, test, train");
        }
        Checkpoint ckpt = CheckpointReader.read(file, false);
        RunConfig config = ckpt.config();
        Corpus corpus;
        Region region;
        String what;
        if (cmd.hasOption("file")) {
            Path text = Path.of(cmd.getOptionValue("file"));
            corpus = Corpus.load(text, ckpt.vocabulary());
            region = new Region(0, corpus.length());
            what = text.toString();
        } else {
            Path text = Path.of(config.data().input());
            corpus = Corpus.load(text, ckpt.vocabulary());
            Splits splits = Trainer.splitsOf(config, corpus);
            region = switch (split) {
                case "test" -> splits.test();
                case "train" -> splits.train();
                default -> splits.val();
            };
            what = "the " + split + " split of " + text;
        }
        if (region.length() < 2) {
            String why = cmd.hasOption("file") ? "" : String.format(Locale.ROOT, " (data.train_frac %s and data.val_frac %s leave it %d)",
                    config.data().trainFrac(), config.data().valFrac(), region.length());
            throw new UsageException("eval: " + what + " has too few characters to score" + why + "; use another --split or --file");
        }
        Evaluator.Loss loss;
        // On a terminal, a progress bar on stderr: a long text can take minutes to score.
        try (ProgressBar bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName("eval")
                .setInitialMax(1).setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUnit(" batches", 1)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build()) {
            loss = Evaluator.evaluate(ckpt.graph(), corpus, region, config.train().batchSize(), config.train().seqLength(),
                    (done, total) -> {
                        if (bar != null) bar.maxHint(total).stepTo(done);
                    });
        }
        io.out().printf(Locale.ROOT, "%s: %.4f nats/char, %.4f bits/char over %,d characters%n",
                what, loss.natsPerChar(), loss.bitsPerChar(), loss.characters());
        return 0;
    }
}
