package org.charrnn.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * Fetches a corpus once: streams it to a temp file beside the target while hashing, checks the
 * SHA-256, and only then renames it into place. A failed or corrupt download leaves nothing behind.
 */
public final class CorpusDownloader {
    private static final long MAX_BYTES = 2L << 30;

    private CorpusDownloader() {}

    public static void download(String url, String expectedSha256, Path target, Consumer<String> log) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new DataException("data.download_url: '" + url + "' is not a valid URL");
        }
        log.accept("Downloading " + url + " to " + target + " (once; checked against its SHA-256)");
        Path tmp = null;
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpResponse<InputStream> response = client.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new DataException("cannot download " + url + ": HTTP " + response.statusCode()
                            + "; put the text at " + target + " yourself");
                }
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
                    byte[] buf = new byte[1 << 16];
                    long total = 0;
                    for (int n; (n = in.read(buf)) > 0; ) {
                        total += n;
                        if (total > MAX_BYTES) throw new DataException("cannot download " + url + ": larger than 2 GiB");
                        out.write(buf, 0, n);
                    }
                }
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!expectedSha256.isEmpty() && !actual.equalsIgnoreCase(expectedSha256)) {
                throw new DataException("downloaded " + url + " but its SHA-256 is " + actual + ", expected "
                        + expectedSha256 + "; nothing was saved. Put the right file at " + target + " yourself");
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            log.accept("Saved " + target + " (SHA-256 " + actual + ")");
        } catch (IOException e) {
            throw new DataException("cannot download " + url + " (" + describe(e) + "); without a network, put the text at "
                    + target + " yourself");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("download of " + url + " interrupted");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a stray .part file is harmless and never under the final name
                }
            }
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
