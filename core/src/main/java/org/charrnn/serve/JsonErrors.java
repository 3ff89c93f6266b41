package org.charrnn.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Jetty's own error answers (a malformed request line, a path or headers too long, a request that
 * came too slowly, ...) in the shape of ours: {"error": "...", "status": N} as JSON, never an
 * HTML page and never an internal detail.
 */
final class JsonErrors extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Integer, String> WHAT = Map.of(
            400, "the request is not valid HTTP",
            408, "the request came too slowly",
            413, "the request is larger than this server accepts",
            414, "the request's path is too long",
            431, "the request's headers are too large",
            500, "internal error; the server's log has the detail",
            503, "the server is busy; retry in a moment");

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus() >= 400 ? response.getStatus() : 500;
        String message = WHAT.getOrDefault(status, "the request cannot be served (HTTP " + status + ")");
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(JSON.createObjectNode().put("error", message).put("status", status));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            body = ("{\"error\": \"HTTP " + status + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
