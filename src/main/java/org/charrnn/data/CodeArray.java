package org.charrnn.data;

/**
 * The corpus as vocabulary indices, one element per character, in the narrowest array that holds
 * them: a 100 MB text with a 65-symbol alphabet takes 100 MB of heap, not 200 MB of chars or 400 MB of ints.
 */
public sealed interface CodeArray permits CodeArray.Bytes, CodeArray.Shorts, CodeArray.Ints {
    int get(int i);

    int length();

    void set(int i, int code);

    static CodeArray allocate(int length, int vocabularySize) {
        if (vocabularySize <= 256) return new Bytes(new byte[length]);
        if (vocabularySize <= 65536) return new Shorts(new short[length]);
        return new Ints(new int[length]);
    }

    static CodeArray of(int[] codes, int vocabularySize) {
        CodeArray a = allocate(codes.length, vocabularySize);
        for (int i = 0; i < codes.length; i++) a.set(i, codes[i]);
        return a;
    }

    record Bytes(byte[] a) implements CodeArray {
        public int get(int i) { return a[i] & 0xff; }
        public int length() { return a.length; }
        public void set(int i, int code) { a[i] = (byte) code; }
    }

    record Shorts(short[] a) implements CodeArray {
        public int get(int i) { return a[i] & 0xffff; }
        public int length() { return a.length; }
        public void set(int i, int code) { a[i] = (short) code; }
    }

    record Ints(int[] a) implements CodeArray {
        public int get(int i) { return a[i]; }
        public int length() { return a.length; }
        public void set(int i, int code) { a[i] = code; }
    }
}
