package org.charrnn.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whole-file writes that are all-or-nothing: bytes go to a temp file in the target's directory,
 * are forced to disk, and only then renamed over the final name. A crash or a full disk leaves the
 * old file (or no file) under the final name, never a partial one.
 */
public final class AtomicFiles {
    /** Opens the temp file; tests swap it for one that fails on the Nth write. */
    public interface Opener {
        OutputStream open(Path path) throws IOException;
    }

    public static final Opener DEFAULT = path -> Files.newOutputStream(path, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);

    /**
     * Fault injection for the crash tests only: pause this many milliseconds halfway through every
     * write, so that a kill lands inside a write often. Unset in normal use.
     */
    public static final String CHAOS_DELAY_PROPERTY = "charrnn.chaos.writeDelayMs";
    private static final long CHAOS_DELAY_MS = Long.getLong(CHAOS_DELAY_PROPERTY, 0);

    private final Opener opener;

    public AtomicFiles(Opener opener) {
        this.opener = opener;
    }

    public void write(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (OutputStream out = opener.open(tmp)) {
                if (CHAOS_DELAY_MS > 0) {
                    out.write(content, 0, content.length / 2);
                    out.flush();
                    pause(CHAOS_DELAY_MS);
                    out.write(content, content.length / 2, content.length - content.length / 2);
                } else {
                    out.write(content);
                }
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) Files.deleteIfExists(tmp);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Makes the rename itself durable (Linux allows fsync on a directory; elsewhere it is best effort). */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not supported on this platform: the rename is still atomic, only its durability is weaker
        }
    }
}
