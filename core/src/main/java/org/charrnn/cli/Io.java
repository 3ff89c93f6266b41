package org.charrnn.cli;

import java.io.PrintStream;

/** Where a command writes: the user's terminal, or a test's buffers. */
record Io(PrintStream out, PrintStream err, boolean verbose) {
}
