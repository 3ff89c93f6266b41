package org.charrnn.data;

import java.nio.ByteBuffer;

/**
 * A strict UTF-8 decoder over a byte buffer that reports the byte offset of the first bad sequence
 * (overlong forms, surrogates, code points past U+10FFFF, truncated sequences). The JDK decoder
 * would need chunking and surrogate-pair bookkeeping to give the same answer, and no offset.
 */
final class Utf8Scanner {
    interface CodePointSink {
        void accept(int codePoint);
    }

    private Utf8Scanner() {}

    /** Feeds every code point to the sink; skips a leading byte-order mark. */
    static void scan(ByteBuffer buf, String fileName, CodePointSink sink) {
        scan(buf, 0, true, true, fileName, sink);
    }

    /**
     * Feeds the code points of one chunk of a file to the sink: {@code base} is the file offset of
     * the chunk's first byte (for messages), {@code first} says the chunk starts the file (a
     * byte-order mark is skipped), {@code last} that it ends it. A sequence cut by the end of a
     * chunk that is not the last is left for the next: returns where scanning stopped.
     */
    static int scan(ByteBuffer buf, long base, boolean first, boolean last, String fileName, CodePointSink sink) {
        int n = buf.limit();
        int i = 0;
        if (first && n >= 3 && (buf.get(0) & 0xff) == 0xEF && (buf.get(1) & 0xff) == 0xBB && (buf.get(2) & 0xff) == 0xBF) i = 3;
        while (i < n) {
            int b0 = buf.get(i) & 0xff;
            if (b0 < 0x80) {
                sink.accept(b0);
                i++;
                continue;
            }
            int len;
            int cp;
            int lo = 0x80;
            int hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) { len = 2; cp = b0 & 0x1F; }
            else if (b0 >= 0xE0 && b0 <= 0xEF) {
                len = 3; cp = b0 & 0x0F;
                if (b0 == 0xE0) lo = 0xA0;
                if (b0 == 0xED) hi = 0x9F; // no UTF-16 surrogates
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                len = 4; cp = b0 & 0x07;
                if (b0 == 0xF0) lo = 0x90;
                if (b0 == 0xF4) hi = 0x8F; // nothing past U+10FFFF
            } else {
                throw invalid(fileName, base + i);
            }
            if (i + len > n) {
                if (!last) return i;
                throw invalid(fileName, base + i);
            }
            for (int k = 1; k < len; k++) {
                int b = buf.get(i + k) & 0xff;
                if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) throw invalid(fileName, base + i);
                cp = (cp << 6) | (b & 0x3F);
            }
            sink.accept(cp);
            i += len;
        }
        return n;
    }

    private static DataException invalid(String fileName, long offset) {
        return new DataException(fileName + ": invalid UTF-8 at byte offset " + offset
                + "; the input must be UTF-8 text (convert it with iconv -t UTF-8)");
    }
}
