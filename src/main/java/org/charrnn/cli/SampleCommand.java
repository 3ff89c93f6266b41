package org.charrnn.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.charrnn.api.CharRnnModel;
import org.charrnn.api.Generation;
import org.charrnn.api.SampleRequest;

import java.io.PrintStream;
import java.nio.file.Path;

/** charrnn sample CKPT [-n N] [-t T] [--prime TEXT | --prime-file F] [--seed S] [--argmax] [--top-k K] */
final class SampleCommand extends Command {
    @Override
    String name() {
        return "sample";
    }

    @Override
    String usage() {
        return "sample CKPT [-n 2000] [-t 1.0] [--prime TEXT | --prime-file F] [--seed S] [--argmax] [--top-k K] [--skip-unknown]"
                + "  (char-rnn's -primetext, -length, -temperature, -seed, -sample 0|1, -gpuid -1 work too)";
    }

    @Override
    String summary() {
        return "Generate text from a checkpoint, streamed to stdout.";
    }

    /**
     * char-rnn's sample.lua flags: -primetext, -length, -temperature, -seed as ours; -sample 1 draws
     * (the default), -sample 0 is --argmax; -gpuid -1 (the CPU) is accepted, any GPU is explained.
     */
    @Override
    String[] translate(String[] args) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "-primetext" -> out.add("--prime");
                case "-length" -> out.add("--length");
                case "-temperature" -> out.add("--temperature");
                case "-seed" -> out.add("--seed");
                case "-sample" -> {
                    if ("0".equals(value)) out.add("--argmax");
                    else if (!"1".equals(value)) {
                        throw new UsageException("sample: -sample " + (value == null ? "" : "'" + value + "' ")
                                + "is not allowed; expected 1 (draw, the default) or 0 (always the likeliest character, --argmax)");
                    }
                    i++;
                }
                case "-gpuid" -> {
                    if (!"-1".equals(value)) {
                        throw new UsageException("sample: -gpuid " + (value == null ? "" : value + " ") + "is not needed: charrnn "
                                + "runs on the CPU (-gpuid -1); a build with mvn -Pcuda (ND4J's CUDA 11.6 backend) uses the GPU without a flag");
                    }
                    i++;
                }
                default -> out.add(a);
            }
        }
        return out.toArray(String[]::new);
    }

    @Override
    Options options() {
        return new Options()
                .addOption(Option.builder("n").longOpt("length").hasArg().argName("N").desc("characters to generate (default 2000)").build())
                .addOption(Option.builder("t").longOpt("temperature").hasArg().argName("T")
                        .desc("divides the logits; lower is more conservative (default 1)").build())
                .addOption(Option.builder().longOpt("prime").hasArg().argName("TEXT").desc("text to start from").build())
                .addOption(Option.builder().longOpt("prime-file").hasArg().argName("FILE").desc("UTF-8 file to start from").build())
                .addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("random seed (default: a fresh one)").build())
                .addOption(Option.builder().longOpt("argmax").desc("always take the most likely character").build())
                .addOption(Option.builder().longOpt("top-k").hasArg().argName("K").desc("draw only among the K likeliest (default: all)").build())
                .addOption(Option.builder().longOpt("skip-unknown").desc("drop prime characters the model does not know").build());
    }

    @Override
    int run(CommandLine cmd, Io io) {
        Path file = Path.of(positional(cmd, "CKPT"));
        int length = intOption(cmd, "length", SampleRequest.DEFAULT_LENGTH, 0, Integer.MAX_VALUE);
        double temperature = positiveDouble(cmd, "temperature", 1.0);
        Long seed = cmd.hasOption("seed") ? longOption(cmd, "seed", 0) : null;
        if (cmd.hasOption("prime") && cmd.hasOption("prime-file")) {
            throw new UsageException("sample: give --prime or --prime-file, not both");
        }
        String prime = cmd.hasOption("prime-file") ? readUtf8("--prime-file", Path.of(cmd.getOptionValue("prime-file")))
                : cmd.getOptionValue("prime", "");
        CharRnnModel model = CharRnnModel.load(file);
        int topK = intOption(cmd, "top-k", 0, 0, model.vocabulary().size());
        prime = knownCharacters(model, prime, file, "the prime", cmd.hasOption("skip-unknown"));
        Generation generation = model.sample(SampleRequest.builder().prime(prime).length(length).temperature(temperature)
                .topK(topK).seed(seed).argmax(cmd.hasOption("argmax")).build());
        if (seed == null && !cmd.hasOption("argmax")) io.err().println("seed " + generation.seed() + " (--seed " + generation.seed() + " draws this sample again)");
        PrintStream out = io.out();
        out.print(generation.prime());
        StringBuilder pending = new StringBuilder();
        boolean interactive = System.console() != null;
        while (generation.hasNext()) {
            pending.appendCodePoint(generation.nextCodePoint());
            if (interactive || pending.charAt(pending.length() - 1) == '\n' || pending.length() >= 256) {
                out.print(pending);
                out.flush();
                pending.setLength(0);
                if (out.checkError()) return 0; // the reader went away (sample ... | head): nothing more to say to anyone
            }
        }
        out.print(pending);
        out.println();
        out.flush();
        return 0;
    }
}
