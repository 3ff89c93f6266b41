package org.charrnn.serve;

import org.eclipse.jetty.io.Connection;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose next request has not begun within a deadline of the connection opening
 * or of its previous request ending. Jetty's idle timeout is reset by every byte, so a client that
 * sends its headers a byte at a time would otherwise hold a connection for as long as it likes.
 */
final class RequestDeadline implements Connection.Listener, AutoCloseable {
    private final long deadlineNanos;
    /** Each open connection: when its wait for a request began, or 0 while a request is being handled. */
    private final Map<Connection, Long> waitingSince = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "charrnn-http-deadline");
        t.setDaemon(true);
        return t;
    });

    RequestDeadline(long deadlineMillis) {
        this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
        long period = Math.max(100, deadlineMillis / 10);
        sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOpened(Connection connection) {
        waitingSince.put(connection, System.nanoTime());
    }

    @Override
    public void onClosed(Connection connection) {
        waitingSince.remove(connection);
    }

    /** A request on this connection is being handled: no deadline until it ends. */
    void started(Connection connection) {
        if (connection != null) waitingSince.computeIfPresent(connection, (c, t) -> 0L);
    }

    /** The request ended: the wait for the next one starts now. */
    void finished(Connection connection) {
        if (connection != null) waitingSince.computeIfPresent(connection, (c, t) -> System.nanoTime());
    }

    private void sweep() {
        long now = System.nanoTime();
        waitingSince.forEach((c, since) -> {
            if (since != 0 && now - since > deadlineNanos) c.getEndPoint().close();
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
