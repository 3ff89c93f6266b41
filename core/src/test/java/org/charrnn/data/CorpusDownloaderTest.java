package org.charrnn.data;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The download path against a server on loopback: right checksum, wrong checksum, missing, unreachable. */
class CorpusDownloaderTest {
    private static final byte[] BODY = "First Citizen:\nBefore we proceed any further, hear me speak.\n".getBytes(StandardCharsets.UTF_8);
    @TempDir
    Path tmp;
    private HttpServer server;
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/input.txt", ex -> {
            ex.sendResponseHeaders(200, BODY.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(BODY);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void downloadsVerifiesAndSaysSo() throws Exception {
        Path target = tmp.resolve("data/input.txt");
        List<String> log = new ArrayList<>();
        CorpusDownloader.download(base + "/input.txt", sha256(BODY), target, log::add);
        assertEquals(new String(BODY, StandardCharsets.UTF_8), Files.readString(target));
        assertTrue(log.get(0).startsWith("Downloading " + base + "/input.txt to " + target), log.toString());
        assertEquals(1, Files.list(target.getParent()).count(), "no temp file left behind");
    }

    @Test
    void wrongChecksumSavesNothing() throws Exception {
        Path target = tmp.resolve("input.txt");
        String wrong = "0".repeat(64);
        String m = assertThrows(DataException.class,
                () -> CorpusDownloader.download(base + "/input.txt", wrong, target, s -> { })).getMessage();
        assertEquals("downloaded " + base + "/input.txt but its SHA-256 is " + sha256(BODY) + ", expected " + wrong
                + "; nothing was saved. Put the right file at " + target + " yourself", m);
        assertFalse(Files.exists(target));
        assertEquals(0, Files.list(tmp).count(), "the partial download was removed");
    }

    @Test
    void httpErrorAndUnreachableServerTellWhereToPutTheFile() throws Exception {
        Path target = tmp.resolve("input.txt");
        String m = assertThrows(DataException.class,
                () -> CorpusDownloader.download(base + "/missing.txt", "", target, s -> { })).getMessage();
        assertEquals("cannot download " + base + "/missing.txt: HTTP 404; put the text at " + target + " yourself", m);
        server.stop(0);
        String off = assertThrows(DataException.class,
                () -> CorpusDownloader.download(base + "/input.txt", "", target, s -> { })).getMessage();
        assertTrue(off.startsWith("cannot download " + base + "/input.txt (") && off.endsWith(
                "); without a network, put the text at " + target + " yourself"), off);
        assertFalse(Files.exists(target));
    }
}
