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
        ModelInfo info = CharRnnModel.load(checkpoint(cmd, io)).info();
        PrintStream out = io.out();
        out.println("checkpoint:      " + info.checkpoint());
        out.println("format version:  " + info.formatVersion());
        out.println("recurrent core:  " + info.core() + " " + info.cell());
        for (String l : ProgressPrinter.wrap("(" + info.coreDescription() + ")", 80 - 17)) out.println("                 " + l.strip());
        out.printf(Locale.ROOT, "parameters:      %,d%n", info.parameters());
        if (info.averagedUpdates() > 0) {
            out.printf(Locale.ROOT, "weights:         the mean over the last %,d updates (train.average_from)%n", info.averagedUpdates());
        }
        out.printf(Locale.ROOT, "progress:        epoch %.2f, iteration %d (%d per epoch)%n", info.epoch(), info.iteration(),
                info.iterationsPerEpoch());
        out.printf(Locale.ROOT, "learning rate:   %.3e next%n", info.learningRate());
        out.printf(Locale.ROOT, "best val loss:   %.4f nats/char%n", info.bestValLoss());
        out.println("vocabulary:      " + info.vocabulary().size() + " characters:");
        for (String line : wrapped(info.vocabulary(), "                 ", 80)) out.println(line);
        out.println("validation history (iteration, epoch, train loss, val loss):");
        for (ModelInfo.Validation v : info.validations()) {
            out.printf(Locale.ROOT, "  %8d  %7.2f  %.4f  %.4f%n", v.iteration(), v.epoch(), v.trainLoss(), v.valLoss());
        }
        out.println("config:");
        for (String line : info.config().split("\n")) out.println("  " + line);
        return 0;
    }

    /** The characters as inspect shows them ('a', '\\n', U+00A0, ...), in lines of at most {@code width} columns. */
    static java.util.List<String> wrapped(java.util.List<String> characters, String indent, int width) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder(indent);
        for (int i = 0; i < characters.size(); i++) {
            String item = Vocabulary.describe(characters.get(i).codePointAt(0)) + (i + 1 < characters.size() ? "," : "");
            if (line.length() > indent.length() && line.length() + 1 + item.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) line.append(' ');
            line.append(item);
        }
        if (line.length() > indent.length()) lines.add(line.toString());
        return lines;
    }
}
