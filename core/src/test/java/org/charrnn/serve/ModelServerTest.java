package org.charrnn.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.charrnn.api.CharRnnModel;
import org.charrnn.api.SampleRequest;
import org.charrnn.api.Score;
import org.charrnn.testing.TrainedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every endpoint over loopback, every bad input, the concurrency cap and a client that goes away. */
class ModelServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    static CharRnnModel model;
    static ModelServer server;
    static URI base;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        model = CharRnnModel.load(TrainedModels.tiny(tmp, "gru"));
        server = new ModelServer(model, "test/best.zip", ServerSettings.defaults().withPort(0).withMaxLength(5_000_000));
        base = server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listensOnLoopbackOnly() {
        assertEquals("127.0.0.1", base.getHost());
    }

    @Test
    void sampleStreamsTheApisTextForTheSeed() throws Exception {
        HttpResponse<String> r = post("/api/sample", "{\"prime\": \"the cat \", \"length\": 300, \"temperature\": 0.7, \"seed\": 42}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("42", r.headers().firstValue("X-Charrnn-Seed").orElseThrow());
        assertEquals("chunked", r.headers().firstValue("Transfer-Encoding").orElse(""));
        String api = model.sample(SampleRequest.builder().prime("the cat ").length(300).temperature(0.7).seed(42L).build()).text();
        assertEquals(api, r.body());
        HttpResponse<String> argmax = post("/api/sample", "{\"length\": 50, \"argmax\": true, \"prime\": \"a dog\"}");
        assertEquals(model.sample(SampleRequest.builder().prime("a dog").length(50).argmax(true).build()).text(), argmax.body());
    }

    @Test
    void charactersArriveWhileTheyAreDrawn() throws Exception {
        // A sample far longer than the first read: the first bytes must come long before the last is drawn.
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/api/sample"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"length\": 1000000, \"seed\": 1}")).build();
        HttpResponse<InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            byte[] first = in.readNBytes(100);
            assertEquals(100, first.length);
            assertTrue(server.running() >= 1, "still generating while the first characters are read");
        }
        awaitIdle();
    }

    @Test
    void scoreIsTheApisScore() throws Exception {
        String text = "the cat sees the moon. a dog takes the ball.";
        HttpResponse<String> r = post("/api/score", JSON.writeValueAsString(java.util.Map.of("text", text)));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode n = JSON.readTree(r.body());
        Score s = model.score(text);
        assertEquals(s.natsPerChar(), n.get("nats_per_char").doubleValue(), 1e-12);
        assertEquals(s.bitsPerChar(), n.get("bits_per_char").doubleValue(), 1e-12);
        assertEquals(s.characters(), n.get("characters").longValue());
    }

    @Test
    void infoHealthTraceAndThePage() throws Exception {
        JsonNode info = JSON.readTree(get("/api/info").body());
        assertEquals("gru", info.get("cell").textValue());
        assertEquals(model.info().parameters(), info.get("parameters").longValue());
        assertEquals(model.vocabulary().size(), info.get("vocabulary").size());
        JsonNode health = JSON.readTree(get("/api/health").body());
        assertEquals("ok", health.get("status").textValue());
        JsonNode trace = JSON.readTree(post("/api/trace", "{\"text\": \"the cat\", \"top_cells\": 3}").body());
        assertEquals(7, trace.get("text").size());
        assertEquals(3, trace.get("cells").size());
        assertEquals(7, trace.get("cells").get(0).get("values").size());
        assertEquals(7, trace.get("top5").size());
        assertEquals("GRU unit", trace.get("neuron").textValue());
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("charrnn · test/best.zip"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
        assertFalse(page.body().matches("(?s).*(src|href)=\"https?:.*"), "nothing fetched from elsewhere");
    }

    @Test
    void badInputsGet400NamingTheField() throws Exception {
        expect(post("/api/sample", "{\"temperature\": -1}"), 400, "temperature", "temperature: -1 is not allowed; expected a number > 0");
        expect(post("/api/sample", "{\"temperature\": \"hot\"}"), 400, "temperature", "temperature: \"hot\" is not allowed; expected a number > 0");
        expect(post("/api/sample", "{\"length\": 5000001}"), 400, "length",
                "length: 5000001 is not allowed; expected an integer from 0 to 5000000 (this server's cap)");
        expect(post("/api/sample", "{\"length\": 1.5}"), 400, "length", null);
        expect(post("/api/sample", "{\"top_k\": 100000}"), 400, "top_k", null);
        expect(post("/api/sample", "{\"seed\": \"x\"}"), 400, "seed", "seed: \"x\" is not allowed; expected an integer, or null for a fresh one");
        expect(post("/api/sample", "{\"argmax\": 1}"), 400, "argmax", "argmax: 1 is not allowed; expected true or false");
        expect(post("/api/sample", "{\"prime\": 7}"), 400, "prime", "prime: expected a string, got 7");
        expect(post("/api/sample", "{\"lenght\": 3}"), 400, "lenght",
                "lenght: is not a field of this request; expected some of prime, length, temperature, top_k, seed, argmax, skip_unknown, beam");
        expect(post("/api/sample", "[1, 2]"), 400, "body", "body: expected a JSON object, got array");
        expect(post("/api/sample", "{\"prime\": "), 400, "body", null);
        HttpResponse<String> unknown = post("/api/sample", "{\"prime\": \"the Zoo €\"}");
        expect(unknown, 400, "prime", "prime: has characters the model does not know: 'Z', U+20AC '€'");
        assertEquals(List.of("Z", "€"), List.of(JSON.readTree(unknown.body()).get("unknown").get(0).textValue(),
                JSON.readTree(unknown.body()).get("unknown").get(1).textValue()));
        assertEquals(200, post("/api/sample", "{\"prime\": \"the Zoo €\", \"skip_unknown\": true, \"length\": 3}").statusCode());
        expect(post("/api/score", "{}"), 400, "text", "text: is missing; expected a string");
        expect(post("/api/score", "{\"text\": \"a\"}"), 400, "text", null);
        expect(post("/api/trace", "{\"text\": \"" + "a".repeat(2001) + "\"}"), 400, "text",
                "text: 2001 characters is more than this server's cap of 2000 for the neuron view");
        expect(post("/api/score", "{\"text\": \"" + "a ".repeat(600_000) + "\"}"), 413, "body",
                "body: larger than this server's cap of 1048576 bytes");
        expect(get("/api/sample"), 405, "method", "method: GET is not allowed here; use POST");
        expect(get("/etc/passwd"), 404, "path", null);
        expect(post("/api/info", "{\"checkpoint\": \"/etc/passwd\"}"), 405, "method", null);
    }

    @Test
    void pastTheCapRequestsWaitThenGet503WithRetryAfter() throws Exception {
        try (ModelServer one = new ModelServer(model, "one", ServerSettings.defaults().withPort(0).withMaxLength(5_000_000)
                .withConcurrency(1, 0))) {
            URI uri = one.start();
            HttpResponse<InputStream> busy = HTTP.send(HttpRequest.newBuilder(uri.resolve("/api/sample"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"length\": 5000000}")).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = busy.body()) {
                in.readNBytes(10);
                HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(uri.resolve("/api/sample"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"length\": 5}")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(503, refused.statusCode());
                assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
                assertTrue(refused.body().contains("busy"), refused.body());
            }
        }
    }

    @Test
    void aClientThatGoesAwayStopsItsGeneration() throws Exception {
        long start = System.nanoTime();
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            String body = "{\"length\": 5000000}";
            s.getOutputStream().write(("POST /api/sample HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            byte[] head = s.getInputStream().readNBytes(200);
            assertTrue(new String(head, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
            assertTrue(server.running() >= 1);
        }
        awaitIdle();
        double seconds = (System.nanoTime() - start) / 1e9;
        // Five million characters take well over 10 s at batch 1; the generation stopped with the client.
        assertTrue(seconds < 10, "the generation stopped " + seconds + " s after it began");
    }

    @Test
    void textsPastTheCapAndRepeatedFieldsAreRefused() throws Exception {
        expect(post("/api/score", "{\"text\": \"" + "ab ".repeat(7000) + "\"}"), 413, "text",
                "text: 21000 characters is more than this server's cap of 20000 (serve --max-text)");
        expect(post("/api/sample", "{\"prime\": \"" + "a".repeat(20_001) + "\", \"length\": 1}"), 413, "prime", null);
        expect(post("/api/sample", "{\"length\": 1, \"length\": 900}"), 400, "length", "length: is given twice; give each field once");
    }

    @Test
    void jettysOwnRefusalsAreJsonToo() throws Exception {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.getOutputStream().write(("GET /api/info HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "x".repeat(64 * 1024) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 431"), answer);
            assertTrue(answer.contains("application/json"), answer);
            assertTrue(answer.contains("\"error\":\"the request's headers are too large\""), answer);
            assertFalse(answer.contains("<html") || answer.contains("Exception"), answer);
        }
    }

    @Test
    void headersSentAByteAtATimeAreCutOff() throws Exception {
        try (ModelServer guarded = new ModelServer(model, "guarded", ServerSettings.defaults().withPort(0), 1500);
             Socket s = new Socket("127.0.0.1", guarded.start().getPort())) {
            s.setSoTimeout(50);
            byte[] request = "GET /api/info HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < 40 && !cut; i++) {
                try {
                    s.getOutputStream().write(i < request.length ? request[i] : 'x');
                    s.getOutputStream().flush();
                    s.getInputStream().read(); // an answer or end-of-stream: the server has given up on us
                    cut = true;
                } catch (java.net.SocketTimeoutException stillOpen) {
                    Thread.sleep(200);
                } catch (IOException closed) {
                    cut = true;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(cut, "the connection is still open after " + seconds + " s of a byte every 0.25 s");
            assertTrue(seconds > 1.2 && seconds < 6, "closed after " + seconds + " s; the deadline is 1.5 s");
        }
    }

    private static void awaitIdle() throws InterruptedException {
        for (int i = 0; i < 100 && server.running() > 0; i++) Thread.sleep(50);
        assertEquals(0, server.running(), "no generation left running");
    }

    private static void expect(HttpResponse<String> r, int status, String field, String error) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode n = JSON.readTree(r.body());
        if (field != null) assertEquals(field, n.get("field").textValue(), r.body());
        if (error != null) assertEquals(error, n.get("error").textValue());
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), "no stack trace: " + r.body());
    }
}
