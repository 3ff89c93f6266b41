package org.charrnn.data;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A text as vocabulary indices. Loading makes two passes over a memory-mapped file (find the
 * alphabet, then encode), so the heap holds only the compact {@link CodeArray}.
 */
public final class Corpus {
    private final Vocabulary vocabulary;
    private final CodeArray codes;
    private final java.util.Map<Integer, Long> skipped;

    public Corpus(Vocabulary vocabulary, CodeArray codes) {
        this(vocabulary, codes, java.util.Map.of());
    }

    private Corpus(Vocabulary vocabulary, CodeArray codes, java.util.Map<Integer, Long> skipped) {
        this.vocabulary = vocabulary;
        this.codes = codes;
        this.skipped = skipped;
    }

    /** The characters dropped because the vocabulary lacks them (code point → how often), in order of code point. */
    public java.util.Map<Integer, Long> skipped() {
        return skipped;
    }

    private String sha256;

    /**
     * SHA-256 of the text's characters (each code point as 4 bytes, big-endian): what a checkpoint
     * records to recognise the text it was trained on, whatever the file is called or where it moved.
     */
    public synchronized String sha256() {
        if (sha256 == null) {
            try {
                java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16);
                for (int i = 0; i < codes.length(); i++) {
                    if (buf.remaining() < 4) {
                        md.update(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    buf.putInt(vocabulary.codePoint(codes.get(i)));
                }
                md.update(buf.array(), 0, buf.position());
                sha256 = java.util.HexFormat.of().formatHex(md.digest());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no SHA-256", e);
            }
        }
        return sha256;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public CodeArray codes() {
        return codes;
    }

    public int length() {
        return codes.length();
    }

    public static Corpus ofText(String text) {
        Vocabulary v = Vocabulary.ofText(text);
        return new Corpus(v, CodeArray.of(text.codePoints().map(v::indexOf).toArray(), v.size()));
    }

    /** A text in a model's vocabulary (every character must be in it). */
    public static Corpus ofText(String text, Vocabulary given) {
        return new Corpus(given, CodeArray.of(given.encode(text, "the text"), given.size()));
    }

    /** Loads a UTF-8 file and builds its vocabulary from the text. */
    public static Corpus load(Path file) {
        return load(file, null);
    }

    /**
     * Loads a UTF-8 file. With a vocabulary given (evaluating or fine-tuning a model), characters
     * outside it are an error that lists them; without, the vocabulary is the text's own alphabet.
     */
    public static Corpus load(Path file, Vocabulary given) {
        return load(file, given, false);
    }

    /** As {@link #load(Path, Vocabulary)}, dropping the characters outside {@code given} when {@code skipUnknown}. */
    public static Corpus load(Path file, Vocabulary given, boolean skipUnknown) {
        boolean skip = skipUnknown && given != null;
        String name = file.toString();
        if (Files.isDirectory(file)) throw new DataException(name + ": is a directory; expected a UTF-8 text file");
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new DataException(name + ": not a regular file (a pipe or a device); expected a UTF-8 text file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) throw new DataException(name + ": the file is empty; expected UTF-8 text to train on");
            if (size > Integer.MAX_VALUE - 8) {
                throw new DataException(name + ": " + size + " bytes is more than the 2 GiB one corpus file may hold");
            }
            MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            String utf16 = utf16Guess(buf);
            if (utf16 != null) {
                throw new DataException(name + ": looks like " + utf16 + " text (a zero byte beside every character), which would"
                        + " train on the zeros; convert it to UTF-8 first: iconv -f " + utf16 + " -t UTF-8");
            }
            BitSet seen = new BitSet();
            int[] count = {0};
            java.util.TreeMap<Integer, Long> dropped = new java.util.TreeMap<>();
            Utf8Scanner.scan(buf, name, cp -> {
                seen.set(cp);
                if (!skip || given.indexOf(cp) >= 0) count[0]++;
                else dropped.merge(cp, 1L, Long::sum);
            });
            if (count[0] == 0) {
                throw new DataException(name + (skip ? ": none of its characters are in the model's vocabulary"
                        : ": the file holds no characters (only a byte-order mark)"));
            }
            Vocabulary vocab = given != null ? given : new Vocabulary(seen.stream().toArray());
            if (given != null && !skip) {
                Set<Integer> unknown = new LinkedHashSet<>();
                seen.stream().filter(cp -> given.indexOf(cp) < 0).forEach(unknown::add);
                if (!unknown.isEmpty()) {
                    throw new UnknownCharactersException(name + ": has characters the model's vocabulary lacks: "
                            + Vocabulary.describe(unknown), unknown);
                }
            }
            CodeArray codes = CodeArray.allocate(count[0], vocab.size());
            int[] pos = {0};
            Utf8Scanner.scan(buf, name, cp -> {
                int index = vocab.indexOf(cp);
                if (index >= 0) codes.set(pos[0]++, index);
            });
            return new Corpus(vocab, codes, java.util.Collections.unmodifiableMap(dropped));
        } catch (InternalError e) {
            // A mapped file cut short while it is read faults on the missing pages (SIGBUS) and the JVM reports it so.
            throw new DataException(name + ": the file changed (it was cut short) while it was being read; read it again when"
                    + " nothing is writing it");
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": file not found");
        } catch (AccessDeniedException e) {
            throw new DataException(name + ": permission denied");
        } catch (IOException e) {
            throw new DataException(name + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /**
     * "UTF-16LE" or "UTF-16BE" when the start of the file has a zero byte at every other position
     * (what UTF-16 without a byte-order mark looks like for Latin text), else null. UTF-8 text may
     * hold a NUL, never half its bytes.
     */
    static String utf16Guess(java.nio.ByteBuffer buf) {
        int n = Math.min(buf.limit(), 4096) & ~1;
        if (n < 8) return null;
        int evenZeros = 0;
        int oddZeros = 0;
        for (int i = 0; i < n; i += 2) {
            if (buf.get(i) == 0) evenZeros++;
            if (buf.get(i + 1) == 0) oddZeros++;
        }
        int pairs = n / 2;
        if (oddZeros > pairs * 0.9 && evenZeros < pairs * 0.1) return "UTF-16LE";
        if (evenZeros > pairs * 0.9 && oddZeros < pairs * 0.1) return "UTF-16BE";
        return null;
    }

    /** The text of [start, start+length) — for messages and tests. */
    public String text(int start, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = start; i < start + length; i++) sb.appendCodePoint(vocabulary.codePoint(codes.get(i)));
        return sb.toString();
    }

}
