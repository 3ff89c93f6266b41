package org.charrnn.api;

import org.charrnn.sample.Sampler;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One sample being generated: each {@link #next()} draws one more character (a whole code point,
 * so possibly two Java chars). Stop pulling at any time; nothing needs closing. Not thread-safe
 * itself, but any number of generations from one model may run at once.
 */
public final class Generation implements Iterator<String> {
    private final Sampler.Generation characters;
    private final long seed;
    private final String prime;

    Generation(Sampler.Generation characters, long seed, String prime) {
        this.characters = characters;
        this.seed = seed;
        this.prime = prime;
    }

    /** The seed this sample is drawn with (the request's, or the one drawn for it): it repeats the text. */
    public long seed() {
        return seed;
    }

    /** The prime the model read, after unknown characters were dropped if the request asked for that. */
    public String prime() {
        return prime;
    }

    @Override
    public boolean hasNext() {
        return characters.hasNext();
    }

    @Override
    public String next() {
        return Character.toString(nextCodePoint());
    }

    /** The next character as a code point (no String made: for loops that append many). */
    public int nextCodePoint() {
        if (!hasNext()) throw new NoSuchElementException("the sample is complete");
        return characters.nextCodePoint();
    }

    /** The remaining characters, lazily. */
    public Stream<String> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** All remaining characters as one string. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        while (characters.hasNext()) sb.appendCodePoint(characters.nextCodePoint());
        return sb.toString();
    }
}
