package org.charrnn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bounded load test of {@code charrnn serve}, loopback only: the server runs as its own process
 * (started through the launcher, so its memory is its own), {@code clients} threads each ask for
 * {@code length} characters again and again until the time is up, and the server's resident memory
 * is read from /api/health every second. Stops by itself.
 */
public final class ServeLoadBenchmark {
    private static final Pattern SERVING = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param firstCharMillis latency from sending a request to its first character, per request, sorted
     * @param failures        responses other than 200 (status → count), and I/O errors as status -1
     */
    public record Result(int clients, double seconds, long requests, long characters, List<Double> firstCharMillis,
                         Map<Integer, Integer> failures, long peakServerRssBytes, long serverRssAfterBytes) {
        public double percentile(double p) {
            if (firstCharMillis.isEmpty()) return Double.NaN;
            return firstCharMillis.get((int) Math.min(firstCharMillis.size() - 1, Math.floor(p * firstCharMillis.size())));
        }
    }

    private ServeLoadBenchmark() {}

    public static Result run(Path launcher, Path checkpoint, int clients, double seconds, int length)
            throws IOException, InterruptedException {
        Process server = new ProcessBuilder(launcher.toString(), "serve", checkpoint.toString(), "--port", "0",
                "--max-queued", Integer.toString(Math.max(64, clients))).redirectErrorStream(true).start();
        try {
            URI base = awaitServing(server);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String body = "{\"length\": " + length + ", \"temperature\": 0.8}";
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
            Map<Integer, Integer> failures = Collections.synchronizedMap(new TreeMap<>());
            long[] totals = new long[2]; // requests, characters
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> running = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        long start = System.nanoTime();
                        try {
                            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(base.resolve("/api/sample"))
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
                            try (InputStream in = r.body()) {
                                if (r.statusCode() != 200) {
                                    failures.merge(r.statusCode(), 1, Integer::sum);
                                    in.readAllBytes();
                                    continue;
                                }
                                int first = in.read();
                                double latency = (System.nanoTime() - start) / 1e6;
                                byte[] rest = in.readAllBytes();
                                if (first < 0) {
                                    failures.merge(-1, 1, Integer::sum);
                                    continue;
                                }
                                String text = new String(concat(first, rest), StandardCharsets.UTF_8);
                                latencies.add(latency);
                                synchronized (totals) {
                                    totals[0]++;
                                    totals[1] += text.codePointCount(0, text.length());
                                }
                            }
                        } catch (IOException e) {
                            failures.merge(-1, 1, Integer::sum);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }));
            }
            long peakRss = 0;
            while (System.nanoTime() < deadline) {
                Thread.sleep(1000);
                peakRss = Math.max(peakRss, rss(http, base));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.merge(-1, 1, Integer::sum);
                }
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            long after = rss(http, base);
            List<Double> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            return new Result(clients, elapsed, totals[0], totals[1], sorted, failures, Math.max(peakRss, after), after);
        } finally {
            server.destroy(); // SIGTERM: the server stops cleanly
            if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
        }
    }

    private static byte[] concat(int first, byte[] rest) {
        byte[] all = new byte[rest.length + 1];
        all[0] = (byte) first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static long rss(HttpClient http, URI base) {
        try {
            JsonNode n = JSON.readTree(http.send(HttpRequest.newBuilder(base.resolve("/api/health")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            return n.get("rss_bytes").longValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static URI awaitServing(Process server) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = r.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = SERVING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        r.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the server exited
                    }
                }, "serve-output");
                drain.setDaemon(true);
                drain.start();
                return URI.create(m.group(1));
            }
        }
        throw new IOException("the server did not start:\n" + seen);
    }
}
