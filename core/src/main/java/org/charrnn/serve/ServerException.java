package org.charrnn.serve;

/** The server could not start or stop (an address in use, a host that does not resolve). */
public final class ServerException extends RuntimeException {
    public ServerException(String message) {
        super(message);
    }
}
