package org.charrnn.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.charrnn.api.CharRnnModel;
import org.charrnn.serve.ModelServer;
import org.charrnn.serve.ServerException;
import org.charrnn.serve.ServerSettings;
import sun.misc.Signal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/** charrnn serve CKPT [--port 8080] [--host 127.0.0.1]: the model over HTTP, with a page to play with it. */
final class ServeCommand extends Command {
    @Override
    String name() {
        return "serve";
    }

    @Override
    String usage() {
        return "serve CKPT [--port 8080] [--host 127.0.0.1] [--max-length 10000] [--max-text 20000] [--max-concurrent N] [--max-queued 64]";
    }

    @Override
    String summary() {
        return "Serve a checkpoint over HTTP: a page to generate text and see its neurons, and a JSON API.";
    }

    @Override
    Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("port").hasArg().argName("PORT").desc("TCP port (default 8080; 0 picks a free one)").build())
                .addOption(Option.builder().longOpt("host").hasArg().argName("HOST")
                        .desc("interface to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for every interface)").build())
                .addOption(Option.builder().longOpt("max-length").hasArg().argName("N")
                        .desc("most characters one sample may ask for (default 10000)").build())
                .addOption(Option.builder().longOpt("max-text").hasArg().argName("N")
                        .desc("most characters of a prime or of a text to score (default 20000)").build())
                .addOption(Option.builder().longOpt("max-concurrent").hasArg().argName("N")
                        .desc("requests generating at once; more wait in line (default: the number of cores, at least 2)").build())
                .addOption(Option.builder().longOpt("max-queued").hasArg().argName("N")
                        .desc("requests that may wait for a turn, up to 10 s each; more get 503 (default 64)").build());
    }

    @Override
    int run(CommandLine cmd, Io io) {
        Path file = checkpoint(cmd, io);
        int port = intOption(cmd, "port", ServerSettings.DEFAULT_PORT, 0, 65535);
        String host = cmd.getOptionValue("host", ServerSettings.LOOPBACK);
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UsageException("--host: '" + host + "' is not an address of this machine; expected e.g. 127.0.0.1 or 0.0.0.0");
        }
        int maxLength = intOption(cmd, "max-length", ServerSettings.DEFAULT_MAX_LENGTH, 1, 10_000_000);
        int maxText = intOption(cmd, "max-text", ServerSettings.DEFAULT_MAX_TEXT_CHARS, 1, 10_000_000);
        int maxConcurrent = intOption(cmd, "max-concurrent", ServerSettings.defaultMaxConcurrent(), 1, 1024);
        int maxQueued = intOption(cmd, "max-queued", ServerSettings.DEFAULT_MAX_QUEUED, 0, 100_000);
        ServerSettings settings = ServerSettings.defaults().withHost(host).withPort(port).withMaxLength(maxLength)
                .withMaxText(maxText).withConcurrency(maxConcurrent, maxQueued);
        CharRnnModel model = CharRnnModel.load(file);
        String name = file.toAbsolutePath().getParent() == null ? file.toString()
                : file.toAbsolutePath().getParent().getFileName() + "/" + file.getFileName();
        try (ModelServer server = new ModelServer(model, name, settings)) {
            var uri = server.start();
            io.out().println("Serving " + file + " at " + uri + "  (Ctrl-C stops)");
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                io.err().println("charrnn: listening on " + host + ": anyone who can reach this machine can use the model");
            }
            io.out().flush();
            for (String signal : new String[]{"INT", "TERM"}) {
                try {
                    Signal.handle(new Signal(signal), s -> server.close());
                } catch (IllegalArgumentException unavailable) {
                    // not on this platform: the default action stays
                }
            }
            server.join();
            io.out().println("Stopped.");
            return 0;
        } catch (ServerException e) {
            throw new UsageException("serve: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Interruption.EXIT_CODE;
        } catch (UnknownHostException e) {
            throw new UsageException("--host: '" + host + "' is not an address of this machine");
        }
    }
}
