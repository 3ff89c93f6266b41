package org.charrnn.api;

/**
 * A request a model cannot serve as asked: a field out of range, characters the model does not
 * know. {@link #field()} names the field as it is spelled in JSON ({@code top_k}, {@code prime}).
 */
public final class InvalidRequestException extends CharRnnException {
    private final String field;
    private final String problem;
    private final java.util.List<String> unknown;

    public InvalidRequestException(String field, String problem) {
        this(field, problem, java.util.List.of());
    }

    /** A text with characters the model does not know: {@code unknown} lists them, each once. */
    public InvalidRequestException(String field, String problem, java.util.List<String> unknown) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
        this.unknown = java.util.List.copyOf(unknown);
    }

    /** The characters the model does not know, when that is the problem; else empty. */
    public java.util.List<String> unknown() {
        return unknown;
    }

    /** What is wrong and what is allowed, without the field's name. */
    public String problem() {
        return problem;
    }

    public String field() {
        return field;
    }
}
