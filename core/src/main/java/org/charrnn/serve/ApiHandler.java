package org.charrnn.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.charrnn.api.CharRnnException;
import org.charrnn.api.CharRnnModel;
import org.charrnn.api.Generation;
import org.charrnn.api.InvalidRequestException;
import org.charrnn.api.SampleRequest;
import org.charrnn.api.Score;
import org.charrnn.report.ActivationPage;
import org.charrnn.report.ActivationTrace;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The endpoints:
 * <ul>
 * <li>{@code GET /} the page; {@code GET /api/info} what {@code inspect} shows; {@code GET /api/health}</li>
 * <li>{@code POST /api/sample} {prime, length, temperature, top_k, seed, argmax, skip_unknown, beam}: the
 * characters as chunked UTF-8 text while they are drawn, the seed in the X-Charrnn-Seed header</li>
 * <li>{@code POST /api/score} {text}: nats and bits per character</li>
 * <li>{@code POST /api/trace} {text, top_cells}: the neuron view's data</li>
 * </ul>
 * A bad request gets 400 (413 for a body over the cap) and {"error", "field"} naming what is allowed;
 * past the cap on running requests, 503 with Retry-After; nothing internal reaches a client.
 */
final class ApiHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    /** Characters are sent at least this often while a sample is drawn (and the first one at once). */
    private static final long FLUSH_NANOS = 25_000_000L;
    private static final String RETRY_AFTER_SECONDS = "1";

    private final CharRnnModel model;
    private final ServerSettings settings;
    private final Semaphore slots;
    private final AtomicInteger waiting = new AtomicInteger();
    private final ObjectMapper json = mapper();
    private final JsonRequests requests = new JsonRequests(json);
    private final byte[] page;
    private final byte[] info;
    private final RequestDeadline deadline;

    ApiHandler(CharRnnModel model, String modelName, ServerSettings settings, RequestDeadline deadline) {
        this.deadline = deadline;
        this.model = model;
        this.settings = settings;
        this.slots = new Semaphore(settings.maxConcurrent());
        try {
            this.info = json.writeValueAsBytes(model.info());
            this.page = Page.render(modelName, model.info(), settings).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CharRnnException("cannot prepare the page: " + e.getMessage(), e);
        }
    }

    int running() {
        return settings.maxConcurrent() - slots.availablePermits();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        org.eclipse.jetty.io.Connection connection = request.getConnectionMetaData().getConnection();
        deadline.started(connection);
        try {
            return serve(request, response, callback);
        } finally {
            deadline.finished(connection);
        }
    }

    private boolean serve(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        try {
            switch (path) {
                case "/", "/index.html" -> {
                    allow(method, "GET", response);
                    response.getHeaders().put("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; "
                            + "style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'");
                    send(response, callback, 200, "text/html; charset=utf-8", page);
                }
                case "/api/info" -> {
                    allow(method, "GET", response);
                    send(response, callback, 200, "application/json", info);
                }
                case "/api/health" -> {
                    allow(method, "GET", response);
                    ObjectNode o = json.createObjectNode().put("status", "ok").put("running", running())
                            .put("waiting", waiting.get()).put("max_concurrent", settings.maxConcurrent())
                            .put("heap_used_bytes", Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory())
                            .put("rss_bytes", ProcessMemory.residentBytes());
                    send(response, callback, 200, "application/json", json.writeValueAsBytes(o));
                }
                case "/api/sample" -> {
                    allow(method, "POST", response);
                    SampleRequest r = requests.sample(requests.object(body(request), JsonRequests.SAMPLE_FIELDS), settings);
                    capped("prime", r.prime());
                    withSlot(response, () -> stream(r, response, callback));
                }
                case "/api/score" -> {
                    allow(method, "POST", response);
                    String text = JsonRequests.text(requests.object(body(request), JsonRequests.SCORE_FIELDS), "text", null);
                    capped("text", text);
                    withSlot(response, () -> {
                        Score s = model.score(text);
                        ObjectNode o = json.createObjectNode().put("nats_per_char", s.natsPerChar())
                                .put("bits_per_char", s.bitsPerChar()).put("characters", s.characters());
                        send(response, callback, 200, "application/json", json.writeValueAsBytes(o));
                    });
                }
                case "/api/trace" -> {
                    allow(method, "POST", response);
                    ObjectNode o = requests.object(body(request), JsonRequests.TRACE_FIELDS);
                    String text = JsonRequests.text(o, "text", null);
                    int topCells = JsonRequests.integer(o, "top_cells", 20, 1, 200, "");
                    int length = text.codePointCount(0, text.length());
                    if (length > settings.maxTraceChars()) {
                        throw new BadRequest("text", length + " characters is more than this server's cap of "
                                + settings.maxTraceChars() + " for the neuron view");
                    }
                    withSlot(response, () -> {
                        ActivationTrace trace = model.trace(text);
                        send(response, callback, 200, "application/json",
                                json.writeValueAsBytes(ActivationPage.data(trace, trace.mostVarying(topCells))));
                    });
                }
                default -> throw new BadRequest(404, "path", path + " is not served here; endpoints: "
                        + String.join(", ", JsonRequests.ENDPOINTS.stream().sorted().toList()), List.of());
            }
        } catch (BadRequest e) {
            error(response, callback, e.status, e.field, e.getMessage(), e.unknown);
        } catch (InvalidRequestException e) {
            error(response, callback, 400, e.field(), e.getMessage(), e.unknown());
        } catch (ClientGone e) {
            callback.failed(e.getCause());
        } catch (Throwable t) {
            LOG.warn("{} {} failed", method, path, t); // the operator's log gets the detail; the client does not
            if (response.isCommitted()) {
                callback.failed(t);
            } else {
                error(response, callback, 500, null, "internal error; the server's log has the detail", List.of());
            }
        }
        return true;
    }

    private interface Work {
        void run() throws IOException;
    }

    /**
     * Runs {@code work} holding one of the slots for expensive requests, after waiting in a short
     * queue for one if need be; answers 503 when the queue is full or the wait too long.
     */
    private void withSlot(Response response, Work work) throws IOException {
        boolean acquired = slots.tryAcquire();
        if (!acquired && waiting.incrementAndGet() <= settings.maxQueued()) {
            try {
                acquired = slots.tryAcquire(settings.queueWaitMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                waiting.decrementAndGet();
            }
        } else if (!acquired) {
            waiting.decrementAndGet();
        }
        if (!acquired) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
            throw new BadRequest(503, null, "busy: " + settings.maxConcurrent() + " requests are running and "
                    + settings.maxQueued() + " may wait; retry in a moment", List.of());
        }
        try {
            work.run();
        } finally {
            slots.release();
        }
    }

    /** Streams a sample's characters as they are drawn; stops drawing when the client goes away. */
    private void stream(SampleRequest r, Response response, Callback callback) {
        Generation g = model.sample(r); // a bad prime or top_k fails here, before anything is sent
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put("X-Charrnn-Seed", Long.toString(g.seed()));
        // The body is the generated text only, as the library's Generation; this says how many characters of prime it read.
        response.getHeaders().put("X-Charrnn-Prime-Length", Integer.toString(g.prime().codePointCount(0, g.prime().length())));
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        StringBuilder pending = new StringBuilder();
        long last = System.nanoTime() - FLUSH_NANOS;
        try {
            while (g.hasNext()) {
                pending.appendCodePoint(g.nextCodePoint());
                long now = System.nanoTime();
                if (now - last >= FLUSH_NANOS) {
                    Content.Sink.write(response, false, StandardCharsets.UTF_8.encode(pending.toString()));
                    pending.setLength(0);
                    last = now;
                }
            }
            Content.Sink.write(response, true, StandardCharsets.UTF_8.encode(pending.toString()));
            callback.succeeded();
        } catch (IOException e) {
            throw new ClientGone(e);
        }
    }

    /** A prime or a text past the server's cap (each character costs a step of the model): 413 naming the field. */
    private void capped(String field, String text) {
        int length = text.codePointCount(0, text.length());
        if (length > settings.maxTextChars()) {
            throw new BadRequest(413, field, length + " characters is more than this server's cap of " + settings.maxTextChars()
                    + " (serve --max-text)", List.of());
        }
    }

    /** The request body, refused past the cap before it is read whole. */
    private byte[] body(Request request) throws IOException {
        long declared = request.getLength();
        if (declared > settings.maxBodyBytes()) throw tooLarge();
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] b = in.readNBytes(settings.maxBodyBytes() + 1);
            if (b.length > settings.maxBodyBytes()) throw tooLarge();
            if (declared >= 0 && b.length < declared) throw shortBody(declared, b.length);
            return b;
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadRequest bad) throw bad;
            // A client that declared more than it sends, or sends too slowly: Jetty gives up on it.
            throw shortBody(declared, -1);
        }
    }

    private static BadRequest shortBody(long declared, long got) {
        return new BadRequest(400, "body", "ended before its Content-Length" + (declared >= 0 ? " of " + declared + " bytes" : "")
                + (got >= 0 ? " (" + got + " came)" : "") + ", or came too slowly; send the whole body at once", List.of());
    }

    private BadRequest tooLarge() {
        return new BadRequest(413, "body", "larger than this server's cap of " + settings.maxBodyBytes() + " bytes", List.of());
    }

    private static void allow(String method, String allowed, Response response) {
        if (!method.equals(allowed) && !(allowed.equals("GET") && method.equals("HEAD"))) {
            response.getHeaders().put(HttpHeader.ALLOW, allowed);
            throw new BadRequest(405, "method", method + " is not allowed here; use " + allowed, List.of());
        }
    }

    private void error(Response response, Callback callback, int status, String field, String message, List<String> unknown) {
        if (response.isCommitted()) {
            callback.failed(new IOException(message));
            return;
        }
        ObjectNode o = json.createObjectNode().put("error", message);
        if (field != null) o.put("field", field);
        if (!unknown.isEmpty()) {
            var list = o.putArray("unknown");
            unknown.forEach(list::add);
        }
        try {
            send(response, callback, status, "application/json", json.writeValueAsBytes(o));
        } catch (IOException e) {
            callback.failed(e);
        }
    }

    private static void send(Response response, Callback callback, int status, String type, byte[] body) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type.startsWith("application/json") ? "application/json; charset=utf-8" : type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        try {
            Content.Sink.write(response, true, ByteBuffer.wrap(body));
        } catch (IOException e) {
            throw new ClientGone(e);
        }
        callback.succeeded();
    }

    /** The client closed the connection: nothing to answer, nobody to tell. */
    private static final class ClientGone extends RuntimeException {
        ClientGone(IOException cause) {
            super(cause);
        }
    }

    /** snake_case fields as the requests have; no NaN or Infinity, which JSON cannot carry (null instead). */
    private static ObjectMapper mapper() {
        SimpleModule finite = new SimpleModule();
        JsonSerializer<Double> nullIfNotFinite = new JsonSerializer<>() {
            @Override
            public void serialize(Double v, JsonGenerator gen, SerializerProvider p) throws IOException {
                if (v == null || !Double.isFinite(v)) gen.writeNull();
                else gen.writeNumber(v);
            }
        };
        finite.addSerializer(Double.class, nullIfNotFinite);
        finite.addSerializer(double.class, nullIfNotFinite);
        ObjectMapper m = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).registerModule(finite);
        m.getFactory().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION); // {"length": 1, "length": 9}: refused
        return m;
    }
}
