package org.charrnn.checkpoint;

import java.util.Map;

/** charrnn/manifest.json: the format version, the recurrent core, and a SHA-256 per entry. */
record Manifest(int formatVersion, String core, String created, Map<String, String> sha256) {
}
