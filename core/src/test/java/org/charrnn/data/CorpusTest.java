package org.charrnn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CorpusTest {
    @TempDir
    Path tmp;

    private Path file(byte[] bytes) throws IOException {
        return Files.write(tmp.resolve("t.txt"), bytes);
    }

    private String error(byte[] bytes) throws IOException {
        Path f = file(bytes);
        return assertThrows(DataException.class, () -> Corpus.load(f)).getMessage();
    }

    @Test
    void vocabularyIsSortedCodePointsAndAnEmojiIsOneSymbol() throws IOException {
        Corpus c = Corpus.load(file("b😀a😀\né".getBytes(StandardCharsets.UTF_8)));
        Vocabulary v = c.vocabulary();
        assertEquals(5, v.size());
        assertEquals('\n', v.codePoint(0));
        assertEquals('a', v.codePoint(1));
        assertEquals(0x1F600, v.codePoint(4));
        assertEquals(6, c.length(), "six characters, though the emoji are two UTF-16 units each");
        assertEquals("b😀a😀\né", c.text(0, 6));
    }

    @Test
    void codesUseTheNarrowestArray() {
        assertInstanceOf(CodeArray.Bytes.class, CodeArray.allocate(10, 256));
        assertInstanceOf(CodeArray.Shorts.class, CodeArray.allocate(10, 257));
        assertInstanceOf(CodeArray.Ints.class, CodeArray.allocate(10, 70000));
        CodeArray.Heap s = CodeArray.allocate(1, 60000);
        s.set(0, 59999);
        assertEquals(59999, s.get(0));
    }

    @Test
    void invalidUtf8NamesTheFileAndByteOffset() throws IOException {
        Path f = tmp.resolve("t.txt");
        String suffix = "; the input must be UTF-8 text (convert it with iconv -t UTF-8)";
        assertEquals(f + ": invalid UTF-8 at byte offset 2" + suffix, error(new byte[]{'a', 'b', (byte) 0xC3, '(', 'c'}));
        assertEquals(f + ": invalid UTF-8 at byte offset 1" + suffix, error(new byte[]{'a', (byte) 0xC0, (byte) 0xAF}), "overlong");
        assertEquals(f + ": invalid UTF-8 at byte offset 0" + suffix, error(new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}), "surrogate");
        assertEquals(f + ": invalid UTF-8 at byte offset 3" + suffix, error(new byte[]{'a', 'b', 'c', (byte) 0xE2, (byte) 0x82}), "truncated");
        assertEquals(f + ": invalid UTF-8 at byte offset 0" + suffix, error(new byte[]{(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}));
        assertEquals(f + ": invalid UTF-8 at byte offset 1" + suffix, error(new byte[]{'x', (byte) 0xFF}));
    }

    @Test
    void emptyBomOnlyDirectoryMissing() throws IOException {
        Path f = tmp.resolve("t.txt");
        assertEquals(f + ": the file is empty; expected UTF-8 text to train on", error(new byte[0]));
        assertEquals(f + ": the file holds no characters (only a byte-order mark)", error(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}));
        assertEquals(tmp + ": is a directory; expected a UTF-8 text file",
                assertThrows(DataException.class, () -> Corpus.load(tmp)).getMessage());
        assertEquals(tmp.resolve("no.txt") + ": file not found",
                assertThrows(DataException.class, () -> Corpus.load(tmp.resolve("no.txt"))).getMessage());
    }

    @Test
    void loadingWithAGivenVocabularyListsTheCharactersItLacks() throws IOException {
        Path f = file("abcxyz".getBytes(StandardCharsets.UTF_8));
        Vocabulary abc = Vocabulary.ofText("abc");
        assertEquals(f + ": has characters the model's vocabulary lacks: 'x', 'y', 'z'",
                assertThrows(DataException.class, () -> Corpus.load(f, abc)).getMessage());
        Corpus sub = Corpus.load(file("cab".getBytes(StandardCharsets.UTF_8)), Vocabulary.ofText("abcd"));
        assertEquals(4, sub.vocabulary().size(), "a subset keeps the model's vocabulary and its indices");
        assertEquals(2, sub.codes().get(0));
    }

    @Test
    void aLeadingByteOrderMarkIsNotText() throws IOException {
        Corpus c = Corpus.load(file(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'h', 'i'}));
        assertEquals("hi", c.text(0, 2));
        assertEquals(2, c.length());
    }
}
