package org.charrnn.data;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The model's alphabet: the sorted distinct Unicode code points of the training text (an emoji is
 * one symbol, not two UTF-16 units). Index i is the one-hot position / embedding row of codePoint(i).
 */
public final class Vocabulary {
    private final int[] codePoints;
    private final int[] indexByCodePoint; // dense table up to the largest code point; -1 = absent

    public Vocabulary(int[] codePoints) {
        int[] sorted = codePoints.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) throw new IllegalArgumentException("duplicate code point " + sorted[i]);
        }
        if (sorted.length == 0) throw new IllegalArgumentException("empty vocabulary");
        if (sorted[0] < 0 || sorted[sorted.length - 1] > Character.MAX_CODE_POINT) {
            throw new IllegalArgumentException("not a Unicode code point");
        }
        this.codePoints = sorted;
        this.indexByCodePoint = new int[sorted[sorted.length - 1] + 1];
        Arrays.fill(indexByCodePoint, -1);
        for (int i = 0; i < sorted.length; i++) indexByCodePoint[sorted[i]] = i;
    }

    public static Vocabulary ofText(String text) {
        return new Vocabulary(text.codePoints().distinct().toArray());
    }

    public int size() {
        return codePoints.length;
    }

    public int codePoint(int index) {
        return codePoints[index];
    }

    /** The index of a code point, or -1 when it is not in the vocabulary. */
    public int indexOf(int codePoint) {
        return codePoint >= 0 && codePoint < indexByCodePoint.length ? indexByCodePoint[codePoint] : -1;
    }

    public int[] codePoints() {
        return codePoints.clone();
    }

    /** Encodes text; throws listing every character that is not in the vocabulary. */
    public int[] encode(String text, String what) {
        Set<Integer> unknown = unknownIn(text);
        if (!unknown.isEmpty()) {
            throw new DataException(what + " has characters the model does not know: " + describe(unknown));
        }
        return text.codePoints().map(this::indexOf).toArray();
    }

    /** The distinct code points of {@code text} that are not in this vocabulary, in order of appearance. */
    public Set<Integer> unknownIn(String text) {
        Set<Integer> unknown = new LinkedHashSet<>();
        text.codePoints().filter(cp -> indexOf(cp) < 0).forEach(unknown::add);
        return unknown;
    }

    /** Printable list of code points: 'a', '\n', U+1F600 '😀'. */
    public static String describe(Iterable<Integer> cps) {
        StringBuilder sb = new StringBuilder();
        for (int cp : cps) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(describe(cp));
        }
        return sb.toString();
    }

    public static String describe(int cp) {
        return switch (cp) {
            case '\n' -> "'\\n'";
            case '\t' -> "'\\t'";
            case '\r' -> "'\\r'";
            case ' ' -> "' '";
            default -> Character.isISOControl(cp) || !Character.isDefined(cp)
                    ? String.format("U+%04X", cp)
                    : (cp > 0x7f ? String.format("U+%04X ", cp) : "") + "'" + new String(Character.toChars(cp)) + "'";
        };
    }

    public List<String> symbols() {
        return Arrays.stream(codePoints).mapToObj(cp -> new String(Character.toChars(cp))).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && Arrays.equals(codePoints, v.codePoints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codePoints);
    }
}
