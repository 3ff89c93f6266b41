package org.charrnn.data;

import java.util.List;
import java.util.Set;

/** A text holds characters a model's vocabulary lacks; {@link #unknown()} lists them. */
public final class UnknownCharactersException extends DataException {
    private final List<Integer> unknown;

    public UnknownCharactersException(String message, Set<Integer> unknown) {
        super(message);
        this.unknown = List.copyOf(unknown);
    }

    /** The code points the vocabulary lacks, in order of first appearance. */
    public List<Integer> unknown() {
        return unknown;
    }
}
