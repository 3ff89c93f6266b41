package org.charrnn.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the command line in-process and captures what it prints. */
public final class CliRunner {
    public record Result(int code, String out, String err) {
        /** The one line a user mistake prints, without the "charrnn: " prefix. */
        public String message() {
            String e = err.strip();
            if (e.lines().count() != 1) throw new AssertionError("expected one line on stderr, got:\n" + err);
            return e.startsWith("charrnn: ") ? e.substring(9) : e;
        }
    }

    private CliRunner() {}

    public static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
