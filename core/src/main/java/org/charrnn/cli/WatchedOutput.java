package org.charrnn.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Standard output as the process writes it, remembering why the first write failed: PrintStream
 * swallows the exception, and a full disk (sample ... > file) must not look like success, while a
 * reader that went away (sample ... | head) is no failure at all.
 */
final class WatchedOutput extends FilterOutputStream {
    private volatile IOException failure;

    WatchedOutput(OutputStream out) {
        super(out);
    }

    /** The first write failure, or null. */
    IOException failure() {
        return failure;
    }

    /** True when the failure is the reader closing its end of a pipe. */
    static boolean readerWentAway(IOException e) {
        String m = e.getMessage();
        return m != null && (m.contains("Broken pipe") || m.contains("broken pipe"));
    }

    @Override
    public void write(int b) throws IOException {
        try {
            out.write(b);
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw remember(e);
        }
    }

    private IOException remember(IOException e) {
        if (failure == null) failure = e;
        return e;
    }
}
