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
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A text as vocabulary indices. Loading makes two passes over its memory-mapped files (find the
 * alphabet, then encode), so the heap holds at most the compact {@link CodeArray} of a small
 * text, and nothing of a large one (its codes are a cached, mapped file).
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
                for (long i = 0; i < codes.length(); i++) {
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

    public long length() {
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
        if (Files.isDirectory(file)) throw new DataException(file + ": is a directory; expected a UTF-8 text file");
        return load(CorpusSource.file(file), given, skipUnknown);
    }

    /** Texts this large and larger are encoded once into a cached code file and memory-mapped, not held in the heap. */
    static final long MAPPED_FROM = 64L << 20;

    /**
     * Loads a corpus of one file or many: its vocabulary is the characters of them all (or
     * {@code given}, whose missing characters are dropped when {@code skipUnknown} and an error
     * otherwise). A small text is encoded into the heap; a large one into a cached code file beside
     * the data, mapped, so that it loads at once the next time and never fills the heap.
     */
    public static Corpus load(CorpusSource source, Vocabulary given, boolean skipUnknown) {
        return load(source, given, skipUnknown, MAPPED_FROM);
    }

    /** As above, mapping texts from {@code mappedFrom} bytes on (the tests' 0 maps a small file). */
    static Corpus load(CorpusSource source, Vocabulary given, boolean skipUnknown, long mappedFrom) {
        List<Path> files = source.files();
        String name = source.describe(files.size());
        long bytes = 0;
        try {
            for (Path f : files) bytes += Files.size(f);
        } catch (IOException e) {
            throw new DataException(name + ": cannot read (" + e.getMessage() + ")");
        }
        if (source.singleFile() && bytes == 0) throw new DataException(name + ": the file is empty; expected UTF-8 text to train on");
        boolean skip = skipUnknown && given != null;
        return bytes < mappedFrom ? inHeap(files, source.separator(), name, given, skip) : mapped(source, files, name, given, skip);
    }

    /** What a first pass over the text found. */
    private record Census(BitSet seen, long kept, java.util.TreeMap<Integer, Long> dropped) {}

    private static Census census(List<Path> files, String separator, Vocabulary given, boolean skip, TextReader.FileBytes bytes) {
        BitSet seen = new BitSet();
        long[] kept = {0};
        java.util.TreeMap<Integer, Long> dropped = new java.util.TreeMap<>();
        TextReader.read(files, separator, cp -> {
            seen.set(cp);
            if (!skip || given.indexOf(cp) >= 0) kept[0]++;
            else dropped.merge(cp, 1L, Long::sum);
        }, bytes);
        return new Census(seen, kept[0], dropped);
    }

    /** The vocabulary the codes index: {@code given}, or the text's own; unknown characters refused unless skipped. */
    private static Vocabulary vocabulary(Census c, Vocabulary given, boolean skip, String name, boolean single) {
        if (given != null && !skip) {
            Set<Integer> unknown = new LinkedHashSet<>();
            c.seen().stream().filter(cp -> given.indexOf(cp) < 0).forEach(unknown::add);
            if (!unknown.isEmpty()) {
                throw new UnknownCharactersException(name + ": has characters the model's vocabulary lacks: "
                        + Vocabulary.describe(unknown), unknown);
            }
        }
        if (c.kept() == 0) {
            throw new DataException(name + (skip ? ": none of its characters are in the model's vocabulary"
                    : single ? ": the file holds no characters (only a byte-order mark)" : ": the files hold no characters"));
        }
        return given != null ? given : new Vocabulary(c.seen().stream().toArray());
    }

    private static Corpus inHeap(List<Path> files, String separator, String name, Vocabulary given, boolean skip) {
        Census c = census(files, separator, given, skip, null);
        Vocabulary vocab = vocabulary(c, given, skip, name, files.size() == 1);
        CodeArray.Heap codes = CodeArray.allocate((int) c.kept(), vocab.size());
        int[] pos = {0};
        TextReader.read(files, separator, cp -> {
            int index = vocab.indexOf(cp);
            if (index >= 0 && pos[0] < codes.length()) codes.set(pos[0]++, index);
        }, null);
        if (pos[0] != c.kept()) throw changed(name);
        return new Corpus(vocab, codes, java.util.Collections.unmodifiableMap(c.dropped()));
    }

    private static Corpus mapped(CorpusSource source, List<Path> files, String name, Vocabulary given, boolean skip) {
        // The text in its own vocabulary serves a model of that same vocabulary too (a resume, an eval).
        CorpusCache cache = CorpusCache.of(source, null, false);
        CorpusCache.Header own = cache.valid(files, source.separator());
        if (own == null && given != null && !skip) { // most often the model's own text: encode it in its own alphabet first
            try {
                own = encode(cache, files, source.separator(), name, null, false);
            } catch (IOException e) {
                own = null;
            }
        }
        boolean fits = given == null || own != null && java.util.Arrays.equals(own.codePoints(), given.codePoints());
        if (!fits) cache = CorpusCache.of(source, given, skip);
        try {
            CorpusCache.Header h = fits ? own : cache.valid(files, source.separator());
            if (h == null) h = encode(cache, files, source.separator(), name, given, skip);
            Corpus corpus = new Corpus(new Vocabulary(h.codePoints()), CodeArray.Mapped.open(cache.codesFile(), 0, h.length(), h.width()),
                    h.skipped() == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(h.skipped())));
            corpus.sha256 = h.textSha256();
            return corpus;
        } catch (IOException e) {
            throw new DataException(name + ": cannot write its encoded copy " + cache.codesFile() + " ("
                    + org.charrnn.files.FileProblems.why(e, cache.codesFile()) + ")");
        }
    }

    /** Two passes: the alphabet (and each file's SHA-256), then the codes and the text's SHA-256, into the cache. */
    private static CorpusCache.Header encode(CorpusCache cache, List<Path> files, String separator, String name, Vocabulary given,
                                             boolean skip) throws IOException {
        TextReader.Digests digests = new TextReader.Digests(files.size());
        Census c = census(files, separator, given, skip, digests);
        Vocabulary vocab = vocabulary(c, given, skip, name, files.size() == 1);
        int width = CodeArray.width(vocab.size());
        java.security.MessageDigest text = TextReader.sha256();
        java.nio.ByteBuffer points = java.nio.ByteBuffer.allocate(1 << 16);
        byte[] out = new byte[1 << 20];
        int[] fill = {0};
        long[] written = {0};
        boolean done = false;
        try (java.io.OutputStream os = cache.open()) {
            java.io.IOException[] failure = {null};
            TextReader.read(files, separator, cp -> {
                int index = vocab.indexOf(cp);
                if (index < 0 || failure[0] != null) return;
                if (points.remaining() < 4) {
                    text.update(points.array(), 0, points.position());
                    points.clear();
                }
                points.putInt(cp);
                for (int k = 0; k < width; k++) out[fill[0]++] = (byte) (index >>> (8 * k)); // little-endian
                written[0]++;
                if (fill[0] > out.length - 4) {
                    try {
                        os.write(out, 0, fill[0]);
                    } catch (IOException e) {
                        failure[0] = e;
                    }
                    fill[0] = 0;
                }
            }, null);
            if (failure[0] != null) throw failure[0];
            os.write(out, 0, fill[0]);
            text.update(points.array(), 0, points.position());
            if (written[0] != c.kept()) throw changed(name);
            done = true;
        } finally {
            if (!done) cache.abandon();
        }
        List<CorpusCache.Source> sources = new java.util.ArrayList<>();
        for (int i = 0; i < files.size(); i++) sources.add(CorpusCache.source(files.get(i), digests.hex(i)));
        CorpusCache.Header h = new CorpusCache.Header(CorpusCache.FORMAT, sources, separator, vocab.codePoints(), width, c.kept(),
                java.util.HexFormat.of().formatHex(text.digest()), c.dropped());
        cache.commit(h);
        return h;
    }

    private static DataException changed(String name) {
        return new DataException(name + ": the text changed while it was being read; read it again when nothing is writing it");
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
    public String text(long start, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (long i = start; i < start + length; i++) sb.appendCodePoint(vocabulary.codePoint(codes.get(i)));
        return sb.toString();
    }

}
