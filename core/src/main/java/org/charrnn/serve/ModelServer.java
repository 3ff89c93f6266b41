package org.charrnn.serve;

import org.charrnn.api.CharRnnModel;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.net.BindException;
import java.net.URI;

/**
 * {@code charrnn serve}: one loaded model over HTTP on Jetty (see {@link ApiHandler} for the
 * endpoints). The model is the one named at start; no request can name another file.
 */
public final class ModelServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final ApiHandler handler;
    private final ServerSettings settings;
    private final RequestDeadline guard;
    /** A connection quiet this long is closed. */
    static final long IDLE_MILLIS = 10_000;
    /** A request's headers must have arrived within this of its first byte (a sender of a byte at a time is cut off). */
    static final long REQUEST_DEADLINE_MILLIS = 10_000;
    static final long MIN_BODY_BYTES_PER_SECOND = 4096;

    public ModelServer(CharRnnModel model, String modelName, ServerSettings settings) {
        this(model, modelName, settings, REQUEST_DEADLINE_MILLIS);
    }

    /** With another deadline for a request's headers (tests use a short one). */
    ModelServer(CharRnnModel model, String modelName, ServerSettings settings, long requestDeadlineMillis) {
        this.settings = settings;
        // Each running generation holds a thread; past the cap requests are answered 503 at once.
        QueuedThreadPool threads = new QueuedThreadPool(settings.maxConcurrent() + settings.maxQueued() + 16, 4);
        threads.setName("charrnn-http");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setMinRequestDataRate(MIN_BODY_BYTES_PER_SECOND); // a body dripped slower than this is given up on
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(IDLE_MILLIS); // a client that stops reading (or sending) frees its thread within this
        guard = new RequestDeadline(requestDeadlineMillis);
        connector.addEventListener(guard);
        server.addConnector(connector);
        handler = new ApiHandler(model, modelName, settings, guard);
        server.setHandler(handler);
        server.setErrorHandler(new JsonErrors()); // Jetty's own answers (400, 414, 431, ...) in our JSON shape
        server.setStopTimeout(2_000);
    }

    /** Binds and starts serving; throws {@link ServerException} when the address cannot be bound. */
    public URI start() {
        try {
            server.start();
        } catch (BindException e) {
            throw new ServerException(settings.host() + ":" + settings.port() + " cannot be bound (" + e.getMessage()
                    + "); pick another --port (0 picks a free one)");
        } catch (IOException e) {
            throw new ServerException(settings.host() + ":" + settings.port() + " cannot be bound (" + e.getMessage() + ")");
        } catch (Exception e) {
            throw new ServerException("the server did not start: " + e.getMessage());
        }
        return uri();
    }

    public URI uri() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return URI.create("http://" + host + ":" + connector.getLocalPort() + "/");
    }

    /** Sample, score and trace requests running now. */
    public int running() {
        return handler.running();
    }

    /** Blocks until the server stops (Ctrl-C, or {@link #close} from another thread). */
    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() {
        guard.close();
        try {
            server.stop();
        } catch (Exception e) {
            throw new ServerException("the server did not stop cleanly: " + e.getMessage());
        }
    }
}
