package org.charrnn.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.charrnn.report.LossChart;
import org.charrnn.train.MetricsLog;

import org.charrnn.files.WriteFailure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** charrnn plot RUN_DIR [--out FILE]: loss curves from metrics.jsonl as a PNG. */
final class PlotCommand extends Command {
    @Override
    String name() {
        return "plot";
    }

    @Override
    String usage() {
        return "plot RUN_DIR [--out RUN_DIR/loss.png]";
    }

    @Override
    String summary() {
        return "Draw training and validation loss (and the learning rate) of a run as a PNG.";
    }

    @Override
    boolean computes() {
        return false;
    }

    @Override
    Options options() {
        return new Options().addOption(Option.builder().longOpt("out").hasArg().argName("FILE")
                .desc("where to write the PNG (default RUN_DIR/loss.png)").build());
    }

    @Override
    int run(CommandLine cmd, Io io) {
        Path dir = Path.of(positional(cmd, "RUN_DIR"));
        Path metrics = dir.resolve(MetricsLog.FILE);
        if (!Files.isDirectory(dir)) throw new UsageException("plot: " + dir + " is not a run directory");
        if (!Files.exists(metrics)) {
            throw new UsageException("plot: " + metrics + " not found; train first (every run writes it)");
        }
        Path out = outputFile("plot", Path.of(cmd.getOptionValue("out", dir.resolve("loss.png").toString())), ".png");
        System.setProperty("java.awt.headless", "true");
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            LossChart.write(MetricsLog.read(metrics), "charrnn: " + dir.toAbsolutePath().normalize().getFileName(), png);
            new org.charrnn.files.AtomicFiles(org.charrnn.files.AtomicFiles.DEFAULT).write(out, png.toByteArray());
        } catch (IllegalArgumentException e) {
            throw new UsageException("plot: " + metrics + ": " + e.getMessage());
        } catch (IOException e) {
            throw WriteFailure.of(out, e, Files.exists(out) ? "the picture there is as it was" : "");
        }
        io.out().println("Wrote " + out);
        return 0;
    }
}
