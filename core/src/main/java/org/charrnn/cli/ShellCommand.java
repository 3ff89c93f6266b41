package org.charrnn.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A command line the program prints for the user to run next: runnable as printed (the launcher as
 * the user typed it, ./charrnn, or charrnn when installed on the PATH; arguments quoted where a
 * shell needs it) and within 80 columns, continued with a backslash.
 */
final class ShellCommand {
    static final int WIDTH = 80;

    private ShellCommand() {}

    /** How this program was started: the launcher exports what the user typed (./charrnn, charrnn, path/to/charrnn). */
    static String self() {
        String launcher = System.getenv("CHARRNN_LAUNCHER");
        return launcher == null || launcher.isBlank() ? "charrnn" : launcher;
    }

    /** "  ./charrnn train configs/x.yaml \" / "      --resume last": the command in lines of at most WIDTH columns. */
    static List<String> lines(String indent, List<String> words) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(indent).append(quoted(self()));
        for (String w : words) {
            String q = quoted(w);
            if (line.length() + 1 + q.length() + 2 > WIDTH) {
                lines.add(line.append(" \\").toString());
                line = new StringBuilder(indent).append("    ");
            } else {
                line.append(' ');
            }
            line.append(q);
        }
        lines.add(line.toString());
        return lines;
    }

    /** A word as a shell reads it back: bare when it is plain, else in single quotes. */
    static String quoted(String w) {
        if (!w.isEmpty() && w.matches("[A-Za-z0-9_./:=,@%+-]+")) return w;
        return "'" + w.replace("'", "'\\''") + "'";
    }
}
