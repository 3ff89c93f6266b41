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

    private final Opener opener;

    public AtomicFiles(Opener opener) {
        this.opener = opener;
    }

    /** What fills a file: writes its content to the stream it is given. */
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    public void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    /** Writes what {@code content} produces, streamed to the temp file: nothing of it need be held in memory. */
    public void write(Path target, Content content) throws IOException {
        Path tmp = temporary(target);
        boolean moved = false;
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(opener.open(tmp), 1 << 16)) {
                content.writeTo(out);
            }
            commit(tmp, target);
            moved = true;
        } finally {
            if (!moved) Files.deleteIfExists(tmp);
        }
    }

    /**
     * Makes {@code target} name the same file as {@code existing} (written by this class, never
     * changed in place: every write replaces a name with a new file), all-or-nothing like a write:
     * a hard link made under a temp name and renamed over the target. Where the file system has no
     * hard links, a copy.
     */
    public void link(Path existing, Path target) throws IOException {
        Path tmp = temporary(target);
        boolean moved = false;
        try {
            try {
                Files.createLink(tmp, existing);
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException noLinks) {
                Files.deleteIfExists(tmp);
                write(target, out -> Files.copy(existing, out));
                return;
            }
            commit(tmp, target);
            moved = true;
        } finally {
            if (!moved) Files.deleteIfExists(tmp);
        }
    }

    private static Path temporary(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        return dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    }

    /** Forces the temp file to disk and renames it over the target, durably. */
    private static void commit(Path tmp, Path target) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.toAbsolutePath().getParent());
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
