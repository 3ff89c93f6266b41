package org.charrnn.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One training run per checkpoint directory. An OS file lock on {@code .lock}: the kernel drops it
 * when the process dies, so a crashed or killed run never leaves the directory locked.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = ".lock";
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static RunLock acquire(Path dir) {
        Path file = dir.resolve(FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new TrainingException("cannot lock " + dir + " (" + e.getMessage() + ")");
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process
        } catch (IOException e) {
            close(ch);
            throw new TrainingException("cannot lock " + dir + " (" + e.getMessage() + ")");
        }
        if (lock == null) {
            String holder = holder(file);
            close(ch);
            throw new TrainingException(dir + " is in use by another training run (" + holder
                    + "); wait for it to finish, or use another train.checkpoint_dir");
        }
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException ignored) {
            // the lock holds without its note
        }
        return new RunLock(ch, lock);
    }

    private static String holder(Path file) {
        try {
            String s = Files.readString(file).strip();
            return s.isEmpty() ? "unknown process" : s;
        } catch (IOException e) {
            return "unknown process";
        }
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) lock.release();
        } catch (IOException ignored) {
            // released with the channel anyway
        }
        close(channel);
    }
}
