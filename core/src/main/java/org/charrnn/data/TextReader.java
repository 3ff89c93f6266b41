package org.charrnn.data;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;

/**
 * Reads the characters of a corpus's files in order, with the separator between documents: each
 * file memory-mapped a chunk at a time (no size limit, nothing held in the heap), decoded as strict
 * UTF-8 whose errors name the file and the byte offset.
 */
final class TextReader {
    /** Bytes mapped at a time (a mapping holds at most 2^31 - 1). */
    static final long CHUNK = 1L << 30;

    private TextReader() {}

    /** Per-file hook, e.g. a digest of its bytes; null for none. */
    interface FileBytes {
        void chunk(int file, java.nio.ByteBuffer bytes);
    }

    /** Feeds every character of {@code files} (and the separator between them) to the sink. */
    static void read(List<Path> files, String separator, Utf8Scanner.CodePointSink sink, FileBytes bytes) {
        read(files, separator, sink, bytes, CHUNK);
    }

    /** The same, mapping {@code chunk} bytes at a time (a test's few, to cut characters at chunk ends). */
    static void read(List<Path> files, String separator, Utf8Scanner.CodePointSink sink, FileBytes bytes, long chunk) {
        int[] sep = separator.codePoints().toArray();
        for (int f = 0; f < files.size(); f++) {
            if (f > 0) for (int cp : sep) sink.accept(cp);
            readFile(files.get(f), f, sink, bytes, chunk);
        }
    }

    private static void readFile(Path file, int index, Utf8Scanner.CodePointSink sink, FileBytes bytes, long chunk) {
        String name = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long at = 0;
            while (at < size) {
                long length = Math.min(chunk, size - at);
                MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, at, length);
                if (at == 0) {
                    String utf16 = Corpus.utf16Guess(buf);
                    if (utf16 != null) {
                        throw new DataException(name + ": looks like " + utf16 + " text (a zero byte beside every character), which"
                                + " would train on the zeros; convert it to UTF-8 first: iconv -f " + utf16 + " -t UTF-8");
                    }
                }
                boolean last = at + length == size;
                int used = Utf8Scanner.scan(buf, at, at == 0, last, name, sink);
                if (bytes != null) bytes.chunk(index, buf.limit(used).position(0));
                if (used == 0 && !last) throw new DataException(name + ": invalid UTF-8 at byte offset " + at);
                at += used;
            }
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

    /** A SHA-256 of each file's bytes, fed chunk by chunk. */
    static final class Digests implements FileBytes {
        private final MessageDigest[] digests;

        Digests(int files) {
            digests = new MessageDigest[files];
            for (int i = 0; i < files; i++) digests[i] = sha256();
        }

        @Override
        public void chunk(int file, java.nio.ByteBuffer bytes) {
            digests[file].update(bytes);
        }

        String hex(int file) {
            return java.util.HexFormat.of().formatHex(digests[file].digest());
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
