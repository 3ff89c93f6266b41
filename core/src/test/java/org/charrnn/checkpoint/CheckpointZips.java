package org.charrnn.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Taking a checkpoint zip apart and putting it back, as the damage tests (and an attacker) do. */
final class CheckpointZips {
    private CheckpointZips() {}

    /** Entry name → bytes, in the zip's order. */
    static Map<String, byte[]> entries(byte[] zipBytes) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(zipBytes))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) m.put(e.getName(), z.readAllBytes());
        }
        return m;
    }

    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** Recomputes the manifest's checksums, as an attacker who rewrites entries would. */
    static void resign(Map<String, byte[]> e) throws IOException {
        Manifest m = Json.MAPPER.readValue(e.get(CheckpointFormat.MANIFEST), Manifest.class);
        Map<String, String> sums = new LinkedHashMap<>();
        m.sha256().keySet().forEach(k -> sums.put(k, CheckpointWriter.sha256(e.get(k))));
        e.put(CheckpointFormat.MANIFEST, Json.MAPPER.writeValueAsBytes(new Manifest(m.formatVersion(), m.core(), m.created(), sums)));
    }
}
