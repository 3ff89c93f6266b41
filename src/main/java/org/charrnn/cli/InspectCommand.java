package org.charrnn.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.charrnn.api.CharRnnModel;
import org.charrnn.api.ModelInfo;
import org.charrnn.data.Vocabulary;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** charrnn inspect CKPT: what a checkpoint holds, as char-rnn's inspect_checkpoint.lua. */
final class InspectCommand extends Command {
    @Override
    String name() {
        return "inspect";
    }

    @Override
    String usage() {
        return "inspect CKPT";
    }

    @Override
    String summary() {
        return "Show a checkpoint's config, vocabulary, size, progress and loss history.";
    }

    @Override
    Options options() {
        return new Options();
    }

    @Override
    int run(CommandLine cmd, Io io) {
        ModelInfo info = CharRnnModel.load(Path.of(positional(cmd, "CKPT"))).info();
        PrintStream out = io.out();
        out.println("checkpoint:      " + info.checkpoint());
        out.println("format version:  " + info.formatVersion());
        out.println("recurrent core:  " + info.core() + " " + info.cell() + " (" + info.coreDescription() + ")");
        out.printf(Locale.ROOT, "parameters:      %,d%n", info.parameters());
        out.printf(Locale.ROOT, "progress:        epoch %.2f, iteration %d (%d per epoch), next learning rate %.3e%n",
                info.epoch(), info.iteration(), info.iterationsPerEpoch(), info.learningRate());
        out.printf(Locale.ROOT, "best val loss:   %.4f nats/char%n", info.bestValLoss());
        out.println("vocabulary:      " + info.vocabulary().size() + " characters: "
                + Vocabulary.describe(info.vocabulary().stream().map(c -> c.codePointAt(0)).toList()));
        out.println("validation history (iteration, epoch, train loss, val loss):");
        for (ModelInfo.Validation v : info.validations()) {
            out.printf(Locale.ROOT, "  %8d  %7.2f  %.4f  %.4f%n", v.iteration(), v.epoch(), v.trainLoss(), v.valLoss());
        }
        out.println("config:");
        for (String line : info.config().split("\n")) out.println("  " + line);
        return 0;
    }
}
