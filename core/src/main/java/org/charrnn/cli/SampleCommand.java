package org.charrnn.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.charrnn.api.CharRnnModel;
import org.charrnn.api.Generation;
import org.charrnn.api.SampleRequest;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** charrnn sample CKPT [-n N] [-t T] [--prime TEXT | --prime-file F] [--seed S] [--argmax] [--top-k K] */
final class SampleCommand extends Command {
    @Override
    String name() {
        return "sample";
    }

    @Override
    String usage() {
        return "sample CKPT [-n 2000] [-t 1.0] [--prime TEXT | --prime-file F] [--seed S] [--argmax | --beam K] [--top-k K] [--skip-unknown]"
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
                    requireCpu(value);
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
                        .desc("divides the logits; lower is more conservative (default 1); a list such as 0.5,0.8,1"
                                + " prints one sample for each").build())
                .addOption(Option.builder().longOpt("prime").hasArg().argName("TEXT").desc("text to start from").build())
                .addOption(Option.builder().longOpt("prime-file").hasArg().argName("FILE").desc("UTF-8 file to start from").build())
                .addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("random seed (default: a fresh one)").build())
                .addOption(Option.builder().longOpt("argmax").desc("always take the most likely character").build())
                .addOption(Option.builder().longOpt("no-echo")
                        .desc("print only the generated text (the prime is echoed first by default, as sample.lua does;"
                                + " the library and the HTTP API give only the generated text)").build())
                .addOption(Option.builder().longOpt("beam").hasArg().argName("K")
                        .desc("the likeliest continuation a beam search of width K finds (instead of drawing)").build())
                .addOption(Option.builder().longOpt("top-k").hasArg().argName("K").desc("draw only among the K likeliest (default: all)").build())
                .addOption(Option.builder().longOpt("skip-unknown").desc("drop prime characters the model does not know").build());
    }

    @Override
    int run(CommandLine cmd, Io io) {
        Path file = checkpoint(cmd, io);
        int length = intOption(cmd, "length", SampleRequest.DEFAULT_LENGTH, 0, Integer.MAX_VALUE);
        List<Double> temperatures = temperatures(cmd.getOptionValue("temperature"));
        int beam = intOption(cmd, "beam", 0, 1, SampleRequest.MAX_BEAM);
        if (beam > 0 && (cmd.hasOption("temperature") || cmd.hasOption("top-k") || cmd.hasOption("argmax"))) {
            throw new UsageException("sample: --beam goes without --temperature, --top-k and --argmax: a beam search takes the"
                    + " likeliest continuation it finds, it does not draw");
        }
        Long seed = cmd.hasOption("seed") ? longOption(cmd, "seed", 0) : null;
        if (cmd.hasOption("prime") && cmd.hasOption("prime-file")) {
            throw new UsageException("sample: give --prime or --prime-file, not both");
        }
        String prime = cmd.hasOption("prime-file") ? readUtf8("--prime-file", Path.of(cmd.getOptionValue("prime-file")))
                : cmd.getOptionValue("prime", "");
        CharRnnModel model = CharRnnModel.load(file);
        int topK = intOption(cmd, "top-k", 0, 0, model.vocabulary().size());
        prime = knownCharacters(model, prime, file, "the prime", cmd.hasOption("skip-unknown"));
        boolean drawn = beam == 0 && !cmd.hasOption("argmax");
        if (seed == null && drawn) seed = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        if (drawn && !cmd.hasOption("seed")) io.err().println("seed " + seed + " (--seed " + seed + " draws this sample again)");
        PrintStream out = io.out();
        for (double temperature : temperatures) {
            if (temperatures.size() > 1) out.println("--- temperature " + shown(temperature) + " ---");
            Generation generation = model.sample(SampleRequest.builder().prime(prime).length(length).temperature(temperature)
                    .topK(topK).seed(seed).argmax(cmd.hasOption("argmax")).beam(beam).build());
            if (!print(generation, out, !cmd.hasOption("no-echo"))) return 0; // the reader went away (sample ... | head): nothing more to say to anyone
        }
        return 0;
    }

    /** Writes the prime and the generated text; false when the reader has gone away. */
    private static boolean print(Generation generation, PrintStream out, boolean echo) {
        if (echo) out.print(generation.prime());
        StringBuilder pending = new StringBuilder();
        boolean interactive = System.console() != null;
        while (generation.hasNext()) {
            pending.appendCodePoint(generation.nextCodePoint());
            if (interactive || pending.charAt(pending.length() - 1) == '\n' || pending.length() >= 256) {
                out.print(pending);
                out.flush();
                pending.setLength(0);
                if (out.checkError()) return false;
            }
        }
        out.print(pending);
        out.println();
        out.flush();
        return !out.checkError();
    }

    /** --temperature: one number, or a comma-separated sweep; 0 is answered with --argmax. */
    static List<Double> temperatures(String given) {
        if (given == null) return List.of(1.0);
        List<Double> ts = new java.util.ArrayList<>();
        for (String part : given.split(",", -1)) {
            double t;
            try {
                t = Double.parseDouble(part.trim());
            } catch (NumberFormatException e) {
                t = Double.NaN;
            }
            if (t == 0) {
                throw new UsageException("--temperature: '" + given + "' is not allowed; expected numbers > 0 (for the likeliest"
                        + " character every time, use --argmax)");
            }
            if (!(t > 0) || Double.isInfinite(t)) {
                throw new UsageException("--temperature: '" + given + "' is not allowed; expected a number > 0, or a list such as 0.5,0.8,1");
            }
            ts.add(t);
        }
        return ts;
    }

    private static String shown(double t) {
        return t == Math.rint(t) && Math.abs(t) < 1e6 ? String.valueOf((long) t) : String.valueOf(t);
    }
}
