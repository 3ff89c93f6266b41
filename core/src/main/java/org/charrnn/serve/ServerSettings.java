package org.charrnn.serve;

/**
 * Where the server listens and the limits it enforces on every request.
 *
 * @param host          interface to bind: loopback unless another is asked for
 * @param port          TCP port; 0 picks a free one
 * @param maxLength     most characters one sample request may ask for
 * @param maxBodyBytes  largest request body (JSON) accepted
 * @param maxConcurrent sample, score and trace requests running at once (more only slow each other down)
 * @param maxQueued     requests waiting for one of those slots, each up to {@code queueWaitMillis}; past
 *                      either, 503 with Retry-After
 * @param queueWaitMillis how long a request may wait for a slot
 * @param maxTraceChars most characters the neuron view runs through the model
 * @param maxTextChars  most characters of a prime or of a text to score: each costs a step of the model
 */
public record ServerSettings(String host, int port, int maxLength, int maxBodyBytes, int maxConcurrent, int maxQueued,
                             long queueWaitMillis, int maxTraceChars, int maxTextChars) {
    public static final String LOOPBACK = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_LENGTH = 10_000;
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_TRACE_CHARS = 2_000;
    public static final int DEFAULT_MAX_QUEUED = 64;
    public static final long DEFAULT_QUEUE_WAIT_MILLIS = 10_000;
    public static final int DEFAULT_MAX_TEXT_CHARS = 20_000;

    /** As many generations as cores, at least 2: past that each one only slows the others down. */
    public static int defaultMaxConcurrent() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    public static ServerSettings defaults() {
        return new ServerSettings(LOOPBACK, DEFAULT_PORT, DEFAULT_MAX_LENGTH, DEFAULT_MAX_BODY_BYTES, defaultMaxConcurrent(),
                DEFAULT_MAX_QUEUED, DEFAULT_QUEUE_WAIT_MILLIS, DEFAULT_MAX_TRACE_CHARS, DEFAULT_MAX_TEXT_CHARS);
    }

    public ServerSettings withPort(int port) {
        return new ServerSettings(host, port, maxLength, maxBodyBytes, maxConcurrent, maxQueued, queueWaitMillis, maxTraceChars, maxTextChars);
    }

    public ServerSettings withHost(String host) {
        return new ServerSettings(host, port, maxLength, maxBodyBytes, maxConcurrent, maxQueued, queueWaitMillis, maxTraceChars, maxTextChars);
    }

    public ServerSettings withMaxLength(int maxLength) {
        return new ServerSettings(host, port, maxLength, maxBodyBytes, maxConcurrent, maxQueued, queueWaitMillis, maxTraceChars, maxTextChars);
    }

    public ServerSettings withMaxText(int maxTextChars) {
        return new ServerSettings(host, port, maxLength, maxBodyBytes, maxConcurrent, maxQueued, queueWaitMillis, maxTraceChars, maxTextChars);
    }

    public ServerSettings withConcurrency(int maxConcurrent, int maxQueued) {
        return new ServerSettings(host, port, maxLength, maxBodyBytes, maxConcurrent, maxQueued, queueWaitMillis, maxTraceChars, maxTextChars);
    }
}
