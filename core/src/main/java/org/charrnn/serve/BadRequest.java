package org.charrnn.serve;

import java.util.List;

/** A request the server refuses: the HTTP status, the field at fault and what is allowed. */
final class BadRequest extends RuntimeException {
    final int status;
    final String field;
    final List<String> unknown;

    BadRequest(int status, String field, String message, List<String> unknown) {
        super(field == null ? message : field + ": " + message, null, false, false);
        this.status = status;
        this.field = field;
        this.unknown = unknown;
    }

    BadRequest(String field, String message) {
        this(400, field, message, List.of());
    }
}
