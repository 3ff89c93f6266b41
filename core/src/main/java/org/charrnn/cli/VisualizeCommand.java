package org.charrnn.cli;

import org.charrnn.files.AtomicFiles;
import org.charrnn.files.WriteFailure;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.charrnn.api.CharRnnModel;
import org.charrnn.api.ModelInfo;
import org.charrnn.report.ActivationPage;
import org.charrnn.report.ActivationTrace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** charrnn visualize CKPT (--text FILE | --prime TEXT): the blog's cell-activation page as HTML. */
final class VisualizeCommand extends Command {
    @Override
    String name() {
        return "visualize";
    }

    @Override
    String usage() {
        return "visualize CKPT (--text FILE | --prime TEXT) [--layer L --cell I] [--top-cells 20] [--max-chars 2000] [--out CKPT_DIR/visualize.html]";
    }

    @Override
    String summary() {
        return "Write an HTML page colouring text by a cell's activation (the blog's figure), the top-5 guesses on hover.";
    }

    @Override
    Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("text").hasArg().argName("FILE").desc("UTF-8 text to run through the model").build())
                .addOption(Option.builder().longOpt("prime").hasArg().argName("TEXT").desc("or this text").build())
                .addOption(Option.builder().longOpt("layer").hasArg().desc("layer of the cell shown first (from 0)").build())
                .addOption(Option.builder().longOpt("cell").hasArg().desc("index of the cell shown first").build())
                .addOption(Option.builder().longOpt("top-cells").hasArg().desc("list this many most varying cells (default 20)").build())
                .addOption(Option.builder().longOpt("max-chars").hasArg().desc("use at most this many characters (default 2000)").build())
                .addOption(Option.builder().longOpt("skip-unknown").desc("drop characters the model does not know").build())
                .addOption(Option.builder().longOpt("out").hasArg().argName("FILE").desc("output file (default: visualize.html beside the checkpoint)").build());
    }

    @Override
    int run(CommandLine cmd, Io io) {
        Path file = checkpoint(cmd, io);
        if (cmd.hasOption("text") == cmd.hasOption("prime")) throw new UsageException("visualize: give exactly one of --text FILE or --prime TEXT");
        int topCells = intOption(cmd, "top-cells", 20, 1, 100_000);
        int maxChars = intOption(cmd, "max-chars", 2000, 1, 1_000_000);
        String text = cmd.hasOption("prime") ? cmd.getOptionValue("prime") : readUtf8("--text", Path.of(cmd.getOptionValue("text")));
        CharRnnModel model = CharRnnModel.load(file);
        if (!model.canTrace()) throw new UsageException("visualize: " + model.whyNoTrace());
        text = knownCharacters(model, text, file, "the text", cmd.hasOption("skip-unknown"));
        if (text.isEmpty()) throw new UsageException("visualize: the text is empty");
        if (text.codePointCount(0, text.length()) > maxChars) text = text.substring(0, text.offsetByCodePoints(0, maxChars));
        ActivationTrace trace = model.trace(text);
        ModelInfo info = model.info();
        List<ActivationTrace.Cell> cells = new ArrayList<>();
        if (cmd.hasOption("layer") || cmd.hasOption("cell")) {
            int layer = intOption(cmd, "layer", 0, 0, info.layers() - 1);
            int cell = intOption(cmd, "cell", 0, 0, info.rnnSize() - 1);
            cells.add(trace.cell(layer, cell));
        }
        List<ActivationTrace.Cell> ranked = trace.mostVarying(topCells);
        cells.addAll(ranked);
        Path besideCheckpoint = file.toAbsolutePath().getParent().resolve("visualize.html");
        Path out = outputFile("visualize", cmd.hasOption("out") ? Path.of(cmd.getOptionValue("out")) : besideCheckpoint, ".html");
        try {
            new AtomicFiles(AtomicFiles.DEFAULT).write(out, ActivationPage.render(trace, cells, info.name() + " (" + file.getFileName()
                    + ", " + info.cell() + " " + info.layers() + "×" + info.rnnSize() + "), " + trace.codePoints().length + " characters")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw WriteFailure.of(out, e, Files.exists(out) ? "the page there is as it was" : "");
        }
        io.out().println("Wrote " + out);
        io.out().println("Most varying " + (trace.quantity().equals("h") ? "units" : "cells") + " (layer, index, spread of "
                + trace.quantity() + "):");
        for (ActivationTrace.Cell c : ranked.subList(0, Math.min(10, ranked.size()))) {
            io.out().printf(Locale.ROOT, "  %d  %4d  %.3f%n", c.layer(), c.index(), c.spread());
        }
        return 0;
    }

}
