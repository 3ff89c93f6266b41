package org.charrnn.data;

/** A contiguous stretch [start, start+length) of the corpus. */
public record Region(long start, long length) {
    public Region {
        if (start < 0 || length < 0) throw new IllegalArgumentException("bad region " + start + "+" + length);
    }
}
