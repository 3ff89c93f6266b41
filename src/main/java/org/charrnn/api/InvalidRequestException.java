package org.charrnn.api;

/**
 * A request a model cannot serve as asked: a field out of range, characters the model does not
 * know. {@link #field()} names the field as it is spelled in JSON ({@code top_k}, {@code prime}).
 */
public final class InvalidRequestException extends CharRnnException {
    private final String field;
    private final String problem;

    public InvalidRequestException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** What is wrong and what is allowed, without the field's name. */
    public String problem() {
        return problem;
    }

    public String field() {
        return field;
    }
}
