package org.charrnn.data;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The corpus as vocabulary indices, one element per character, in the narrowest width that holds
 * them (1 byte up to 256 symbols, 2 up to 65,536, 4 beyond): in the heap for a small text, or
 * memory-mapped from an encoded code file for a text of any size (past 2^31 characters too; the
 * mapping lives outside the heap and the OS pages it in and out).
 */
public sealed interface CodeArray permits CodeArray.Heap, CodeArray.Mapped {
    int get(long i);

    long length();

    /** Bytes per element for a vocabulary of this size. */
    static int width(int vocabularySize) {
        return vocabularySize <= 256 ? 1 : vocabularySize <= 65536 ? 2 : 4;
    }

    /** A heap array of {@code length} zeros (at most 2^31 - 1; larger texts are mapped). */
    static Heap allocate(int length, int vocabularySize) {
        return switch (width(vocabularySize)) {
            case 1 -> new Bytes(new byte[length]);
            case 2 -> new Shorts(new short[length]);
            default -> new Ints(new int[length]);
        };
    }

    static CodeArray of(int[] codes, int vocabularySize) {
        Heap a = allocate(codes.length, vocabularySize);
        for (int i = 0; i < codes.length; i++) a.set(i, codes[i]);
        return a;
    }

    /** The heap arrays, which are also written to while a text is encoded. */
    sealed interface Heap extends CodeArray permits Bytes, Shorts, Ints {
        void set(int i, int code);
    }

    record Bytes(byte[] a) implements Heap {
        public int get(long i) { return a[(int) i] & 0xff; }
        public long length() { return a.length; }
        public void set(int i, int code) { a[i] = (byte) code; }
    }

    record Shorts(short[] a) implements Heap {
        public int get(long i) { return a[(int) i] & 0xffff; }
        public long length() { return a.length; }
        public void set(int i, int code) { a[i] = (short) code; }
    }

    record Ints(int[] a) implements Heap {
        public int get(long i) { return a[(int) i]; }
        public long length() { return a.length; }
        public void set(int i, int code) { a[i] = code; }
    }

    /**
     * Elements of {@code width} bytes (little-endian) from byte {@code offset} of a file, mapped in
     * segments of at most 2^30 bytes (a Java mapping holds at most 2^31 - 1); a segment is a whole
     * number of elements, so none straddles two.
     */
    final class Mapped implements CodeArray {
        static final int SEGMENT_SHIFT = 30;
        private final MappedByteBuffer[] segments;
        private final int width;
        private final long length;
        private final int shift;

        private Mapped(MappedByteBuffer[] segments, int width, long length, int shift) {
            this.segments = segments;
            this.width = width;
            this.length = length;
            this.shift = shift;
        }

        /** Maps {@code length} elements of {@code width} bytes starting at byte {@code offset} of {@code file}, read-only. */
        public static Mapped open(Path file, long offset, long length, int width) throws IOException {
            return open(file, offset, length, width, SEGMENT_SHIFT);
        }

        /** As {@link #open(Path, long, long, int)} with segments of 2^shift bytes (tests use small ones). */
        static Mapped open(Path file, long offset, long length, int width, int shift) throws IOException {
            long bytes = length * width;
            long segmentBytes = 1L << shift;
            int n = (int) ((bytes + segmentBytes - 1) / segmentBytes);
            MappedByteBuffer[] segments = new MappedByteBuffer[n];
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                if (ch.size() < offset + bytes) {
                    throw new IOException(file + " holds " + ch.size() + " bytes; expected " + (offset + bytes));
                }
                for (int s = 0; s < n; s++) {
                    long start = (long) s * segmentBytes;
                    segments[s] = ch.map(FileChannel.MapMode.READ_ONLY, offset + start, Math.min(segmentBytes, bytes - start));
                    segments[s].order(ByteOrder.LITTLE_ENDIAN);
                }
            }
            return new Mapped(segments, width, length, shift);
        }

        @Override
        public int get(long i) {
            if (i < 0 || i >= length) throw new IndexOutOfBoundsException("index " + i + " of " + length);
            long byteOffset = i * width;
            MappedByteBuffer s = segments[(int) (byteOffset >>> shift)];
            int at = (int) (byteOffset & ((1L << shift) - 1));
            return switch (width) {
                case 1 -> s.get(at) & 0xff;
                case 2 -> s.getShort(at) & 0xffff;
                default -> s.getInt(at);
            };
        }

        @Override
        public long length() {
            return length;
        }
    }
}
