package org.charrnn.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each way a write fails is told in words a user can act on, not as Java's exception. */
class FileProblemsTest {
    @TempDir
    Path tmp;

    private static String whyWriting(Path p) {
        return FileProblems.why(assertThrows(IOException.class, () -> Files.write(p, new byte[]{1})), p);
    }

    @Test
    void aMissingDirectoryIsNamed() {
        assertEquals("directory " + tmp.resolve("no") + " does not exist", whyWriting(tmp.resolve("no/file.txt")));
    }

    @Test
    void aFileWhereADirectoryShouldBe() throws IOException {
        Files.writeString(tmp.resolve("f"), "x");
        assertEquals("a file stands where a directory of its path should be", whyWriting(tmp.resolve("f/file.txt")));
    }

    @Test
    void aNameTooLongSaysHowLong() {
        assertEquals("file name too long (300 bytes; at most 255)", whyWriting(tmp.resolve("x".repeat(300))));
    }

    @Test
    void aSymbolicLinkLoop() throws IOException {
        Files.createSymbolicLink(tmp.resolve("a"), tmp.resolve("b"));
        Files.createSymbolicLink(tmp.resolve("b"), tmp.resolve("a"));
        assertEquals("a symbolic link loop on the way to it", whyWriting(tmp.resolve("a/file.txt")));
    }

    @Test
    void aFullDisk() {
        Path full = Path.of("/dev/full");
        if (!Files.exists(full)) return; // Linux only; elsewhere nothing to simulate it with
        assertEquals("the disk is full", whyWriting(full));
    }

    @Test
    void aWriteThatFailsHalfwayLeavesTheOldFileAndNoLitter() throws IOException {
        Path target = Files.writeString(tmp.resolve("chart.png"), "the old picture");
        AtomicFiles.Opener fullDisk = path -> new java.io.FilterOutputStream(Files.newOutputStream(path)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                super.write(b, off, Math.min(len, 2));
                throw new IOException("No space left on device");
            }
        };
        IOException e = assertThrows(IOException.class, () -> new AtomicFiles(fullDisk).write(target, new byte[]{1, 2, 3, 4, 5}));
        assertEquals("the disk is full", FileProblems.why(e, target));
        assertEquals("the old picture", Files.readString(target));
        try (var left = Files.list(tmp)) {
            assertEquals(java.util.List.of(target), left.toList(), "no temporary file left behind");
        }
    }
}
