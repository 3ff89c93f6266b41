package org.charrnn.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.charrnn.files.AtomicFiles;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * A corpus encoded once into a code file ({@code .codes}: one element per character, little-endian,
 * the narrowest width) with a header ({@code .json}: the vocabulary, the length, the text's
 * SHA-256, and each source file's size, modification time and SHA-256). It lives in
 * {@code .charrnn-cache/} beside the data (or in the user's cache directory when that is not
 * writable). A source whose size and time are unchanged is trusted; one touched but with the same
 * bytes is re-stamped; a changed one is encoded again.
 */
final class CorpusCache {
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** One source file as the cache saw it. */
    record Source(@JsonProperty("path") String path, @JsonProperty("size") long size, @JsonProperty("mtime_ms") long mtimeMs,
                  @JsonProperty("sha256") String sha256) {}

    /** What a code file holds and what it was made from. */
    record Header(@JsonProperty("format") int format, @JsonProperty("sources") List<Source> sources,
                  @JsonProperty("separator") String separator, @JsonProperty("code_points") int[] codePoints,
                  @JsonProperty("width") int width, @JsonProperty("length") long length,
                  @JsonProperty("text_sha256") String textSha256, @JsonProperty("skipped") Map<Integer, Long> skipped) {}

    private final Path codes;
    private final Path header;

    private CorpusCache(Path dir, String key) {
        this.codes = dir.resolve(key + ".codes");
        this.header = dir.resolve(key + ".json");
    }

    Path codesFile() {
        return codes;
    }

    /**
     * The cache for a source read in a vocabulary (null: its own) under a skip rule: named after
     * the first input and a hash of everything that decides the codes.
     */
    static CorpusCache of(CorpusSource source, Vocabulary given, boolean skip) {
        StringBuilder what = new StringBuilder("format ").append(FORMAT).append('\n');
        for (Path p : source.inputs()) what.append(p.toAbsolutePath().normalize()).append('\n');
        what.append(source.glob()).append('\n').append(source.separator()).append('\n');
        if (given != null) what.append(java.util.Arrays.toString(given.codePoints())).append(skip).append('\n');
        String hash = java.util.HexFormat.of().formatHex(TextReader.sha256().digest(what.toString().getBytes(StandardCharsets.UTF_8)))
                .substring(0, 16);
        Path first = source.inputs().get(0).toAbsolutePath().normalize();
        String stem = (first.getFileName() == null ? "text" : first.getFileName().toString()).replaceAll("[^A-Za-z0-9._-]", "_");
        return new CorpusCache(directory(first), stem + "-" + hash);
    }

    /** .charrnn-cache beside the data where that can be written, else the user's cache directory. */
    private static Path directory(Path first) {
        Path parent = first.getParent() == null ? Path.of(".") : first.getParent();
        Path beside = parent.resolve(".charrnn-cache");
        if (Files.isDirectory(beside) ? Files.isWritable(beside) : Files.isWritable(parent)) return beside;
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path home = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return home.resolve("charrnn");
    }

    /** The header when the code file is there and every source is as it was; null otherwise. */
    Header valid(List<Path> files, String separator) {
        try {
            if (!Files.isRegularFile(header) || !Files.isRegularFile(codes)) return null;
            Header h = JSON.readValue(header.toFile(), Header.class);
            if (h.format() != FORMAT || h.sources() == null || h.sources().size() != files.size() || !separator.equals(h.separator())
                    || Files.size(codes) != h.length() * h.width()) {
                return null;
            }
            boolean restamp = false;
            List<Source> now = new java.util.ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                Path f = files.get(i);
                Source was = h.sources().get(i);
                long size = Files.size(f);
                long mtime = Files.getLastModifiedTime(f).toMillis();
                if (!f.toAbsolutePath().normalize().toString().equals(was.path()) || size != was.size()) return null;
                if (mtime != was.mtimeMs()) { // touched: the same bytes keep the codes
                    if (!sha256(f).equals(was.sha256())) return null;
                    restamp = true;
                }
                now.add(new Source(was.path(), size, mtime, was.sha256()));
            }
            if (restamp) {
                h = new Header(h.format(), now, h.separator(), h.codePoints(), h.width(), h.length(), h.textSha256(), h.skipped());
                writeHeader(h);
            }
            return h;
        } catch (IOException | RuntimeException e) {
            return null; // unreadable or from another version: encode again
        }
    }

    /** An output for the codes, written to a temporary file that {@link #commit} puts in place. */
    OutputStream open() throws IOException {
        Files.createDirectories(codes.getParent());
        return new BufferedOutputStream(Files.newOutputStream(temporary(), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 1 << 20);
    }

    /** Makes the written codes and their header the cache's, each all or nothing. */
    void commit(Header h) throws IOException {
        try (FileChannel ch = FileChannel.open(temporary(), StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(temporary(), codes, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        writeHeader(h);
    }

    void abandon() {
        try {
            Files.deleteIfExists(temporary());
        } catch (IOException ignored) {
            // a stray temporary file in the cache directory is harmless
        }
    }

    private Path temporary() {
        return codes.resolveSibling(codes.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    }

    private void writeHeader(Header h) throws IOException {
        new AtomicFiles(AtomicFiles.DEFAULT).write(header, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(h));
    }

    static Source source(Path f, String sha256) throws IOException {
        return new Source(f.toAbsolutePath().normalize().toString(), Files.size(f), Files.getLastModifiedTime(f).toMillis(), sha256);
    }

    private static String sha256(Path f) throws IOException {
        java.security.MessageDigest md = TextReader.sha256();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(buf.clear()) > 0) md.update(buf.flip());
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }
}
