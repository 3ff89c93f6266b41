package org.charrnn.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.charrnn.checkpoint.Checkpoint;
import org.charrnn.checkpoint.CheckpointReader;
import org.charrnn.checkpoint.TrainingState;
import org.charrnn.data.Vocabulary;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        Path file = Path.of(positional(cmd, "CKPT"));
        Checkpoint c = CheckpointReader.read(file, false);
        TrainingState s = c.state();
        PrintStream out = io.out();
        out.println("checkpoint:      " + file);
        out.println("format version:  " + c.formatVersion());
        String cell = c.config().model().type();
        out.println("recurrent core:  " + c.core() + " " + cell + describeCore(c.core(), cell));
        out.printf(Locale.ROOT, "parameters:      %,d%n", c.graph().numParams());
        out.printf(Locale.ROOT, "progress:        epoch %.2f, iteration %d (%d per epoch), next learning rate %.3e%n",
                s.epoch(), s.iteration(), s.iterationsPerEpoch(), s.learningRate());
        out.printf(Locale.ROOT, "best val loss:   %.4f nats/char%n", s.bestValLoss());
        List<Integer> cps = new ArrayList<>();
        for (int i = 0; i < c.vocabulary().size(); i++) cps.add(c.vocabulary().codePoint(i));
        out.println("vocabulary:      " + c.vocabulary().size() + " characters: " + Vocabulary.describe(cps));
        out.println("validation history (iteration, epoch, train loss, val loss):");
        for (TrainingState.Validation v : s.validations()) {
            out.printf(Locale.ROOT, "  %8d  %7.2f  %.4f  %.4f%n", v.iteration(), v.epoch(), v.trainLoss(), v.loss());
        }
        out.println("config:");
        for (String line : c.config().toYaml().split("\n")) out.println("  " + line);
        return 0;
    }

    private static String describeCore(String core, String cell) {
        String ours = switch (cell) {
            case "gru" -> "FusedGru";
            case "rnn" -> "FusedRnn";
            default -> "FusedLstm";
        };
        return switch (core) {
            case "fused" -> " (charrnn " + ours + ": exact truncated BPTT, state carried across minibatches)";
            case "stock" -> " (DL4J " + (cell.equals("rnn") ? "SimpleRnn" : "LSTM") + ": state reset every minibatch)";
            case "rnn" -> " (DL4J SimpleRnn: state reset every minibatch)";
            default -> "";
        };
    }
}
