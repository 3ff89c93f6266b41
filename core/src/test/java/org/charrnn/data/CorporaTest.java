package org.charrnn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Corpora of many files and of any size: directories, globs, separators, the encoded cache, and mapped codes. */
class CorporaTest {
    @TempDir
    Path tmp;

    /** The file loaded as a text past the mapping threshold is: encoded into the cache and mapped. */
    private static Corpus mapped(Path f) {
        return Corpus.load(CorpusSource.file(f), null, false, 0);
    }

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    private static String text(Corpus c) {
        return c.text(0, (int) c.length());
    }

    @Test
    void aDirectoryIsItsMatchingFilesInSortedOrderJoinedBySeparators() throws IOException {
        write("src/b.c", "int b;");
        write("src/a.c", "int a;");
        write("src/sub/z.c", "int z;");
        write("src/notes.txt", "ignored");
        write("src/.git/x.c", "hidden");
        CorpusSource source = new CorpusSource(List.of(tmp.resolve("src")), "**/*.c", "\n//\n");
        assertEquals(List.of(tmp.resolve("src/a.c"), tmp.resolve("src/b.c"), tmp.resolve("src/sub/z.c")), source.files());
        Corpus c = Corpus.load(source, null, false);
        assertEquals("int a;\n//\nint b;\n//\nint z;", text(c));
        assertEquals(Vocabulary.ofText("int a;\n//bz").size(), c.vocabulary().size());
        assertEquals(tmp.resolve("src") + " (3 files)", source.describe(3));
    }

    @Test
    void aListOfInputsKeepsItsOrder() throws IOException {
        Path b = write("b.txt", "second");
        Path a = write("a.txt", "first");
        assertEquals("second first", text(Corpus.load(new CorpusSource(List.of(b, a), "**", " "), null, false)));
    }

    @Test
    void aDirectoryWithoutMatchesAndABadFileAreNamed() throws IOException {
        write("d/readme.md", "x");
        DataException none = assertThrows(DataException.class,
                () -> Corpus.load(new CorpusSource(List.of(tmp.resolve("d")), "**/*.c", ""), null, false));
        assertEquals(tmp.resolve("d") + ": no files match data.glob '**/*.c' under this directory (hidden files and directories"
                + " are skipped)", none.getMessage());
        Files.write(tmp.resolve("d/bad.md"), new byte[]{'o', 'k', (byte) 0xC3});
        DataException bad = assertThrows(DataException.class,
                () -> Corpus.load(new CorpusSource(List.of(tmp.resolve("d")), "**", ""), null, false));
        assertEquals(tmp.resolve("d/bad.md") + ": invalid UTF-8 at byte offset 2; the input must be UTF-8 text (convert it with"
                + " iconv -t UTF-8)", bad.getMessage());
    }

    @Test
    void charactersCutByAChunkEndAreReadWholeAndErrorsKeepTheirFileOffset() throws IOException {
        String text = "añb€c😀d".repeat(50);
        Path f = write("multi.txt", text);
        assertEquals(text, text(Corpus.load(f)));
        assertEquals(text, read(f, TextReader.CHUNK));
        assertEquals(text, read(f, 7), "every multi-byte character is cut by some chunk end");
        assertEquals(digest(f, TextReader.CHUNK), digest(f, 7));
        byte[] broken = text.getBytes(StandardCharsets.UTF_8);
        broken[98] = (byte) 0xFF; // a "c": every 13-byte repeat is a, ñ, b, €, c, 😀, d
        Path b = Files.write(tmp.resolve("broken.txt"), broken);
        assertTrue(assertThrows(DataException.class, () -> Corpus.load(b)).getMessage().contains("invalid UTF-8 at byte offset 98;"));
        assertTrue(assertThrows(DataException.class, () -> read(b, 7)).getMessage().contains("invalid UTF-8 at byte offset 98;"));
    }

    private static String read(Path f, long chunk) {
        StringBuilder s = new StringBuilder();
        TextReader.read(List.of(f), "", s::appendCodePoint, null, chunk);
        return s.toString();
    }

    private static String digest(Path f, long chunk) {
        TextReader.Digests d = new TextReader.Digests(1);
        TextReader.read(List.of(f), "", cp -> { }, d, chunk);
        return d.hex(0);
    }

    @Test
    void aLargeTextIsEncodedOnceIntoAMappedCacheThatKnowsWhenItsSourceChanged() throws IOException {
        Path f = write("big/input.txt", "the cat sat on the mat.\n".repeat(200));
        Corpus heap = Corpus.load(f);
        Corpus first = mapped(f);
        assertInstanceOf(CodeArray.Mapped.class, first.codes());
        assertEquals(text(heap), text(first));
        assertEquals(heap.sha256(), first.sha256(), "the text's SHA-256 is the same however it is held");
        Path cache = tmp.resolve("big/.charrnn-cache");
        Path codes;
        try (var files = Files.list(cache)) {
            codes = files.filter(p -> p.toString().endsWith(".codes")).findFirst().orElseThrow();
        }
        FileTime encodedAt = Files.getLastModifiedTime(codes);

        assertEquals(text(heap), text(mapped(f)));
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5000)); // touched, same bytes
        assertEquals(text(heap), text(mapped(f)));
        assertEquals(encodedAt, Files.getLastModifiedTime(codes), "an unchanged text is not encoded again");

        Files.writeString(f, "a different text altogether\n".repeat(100));
        Corpus changed = mapped(f);
        assertEquals("a different text altogether\n".repeat(100), text(changed));
        assertNotEquals(heap.sha256(), changed.sha256());
    }

    @Test
    void mappedCodesReadAcrossSegmentsInEveryWidth() throws IOException {
        for (int width : new int[]{1, 2, 4}) {
            int n = 1000;
            ByteBuffer b = ByteBuffer.allocate(8 + n * width).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(-1); // an offset before the codes
            for (int i = 0; i < n; i++) {
                int v = width == 1 ? i % 256 : width == 2 ? (i * 37) % 65536 : i * 100_003;
                if (width == 1) b.put((byte) v); else if (width == 2) b.putShort((short) v); else b.putInt(v);
            }
            Path file = Files.write(tmp.resolve("codes" + width), b.array());
            CodeArray.Mapped m = CodeArray.Mapped.open(file, 8, n, width, 4); // 16-byte segments
            assertEquals(n, m.length());
            for (int i = 0; i < n; i++) {
                int v = width == 1 ? i % 256 : width == 2 ? (i * 37) % 65536 : i * 100_003;
                assertEquals(v, m.get(i), "width " + width + " index " + i);
            }
            assertThrows(IndexOutOfBoundsException.class, () -> m.get(n));
        }
    }

    @Test
    void splitsAndLayoutsCountPastTwoToTheThirtyOne() {
        long huge = 3L << 30;
        Splits s = Splits.of(huge, 0.95, 0.05);
        assertEquals(huge, s.train().length() + s.val().length() + s.test().length());
        StreamLayout layout = new StreamLayout(s.train(), 50, 50, false);
        assertEquals((s.train().length() - 1) / 50, layout.streamLength());
        assertEquals(s.train().start() + 49 * layout.streamLength() + 7, layout.offset(49, 7));
        assertTrue(layout.offset(49, 7) > Integer.MAX_VALUE);
    }
}
