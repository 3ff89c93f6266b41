package org.charrnn.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.charrnn.api.SampleRequest;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Request bodies (JSON objects) read field by field, each mistake a {@link BadRequest} naming the field. */
final class JsonRequests {
    static final List<String> SAMPLE_FIELDS = List.of("prime", "length", "temperature", "top_k", "seed", "argmax", "skip_unknown",
            "beam");
    static final List<String> SCORE_FIELDS = List.of("text");
    static final List<String> TRACE_FIELDS = List.of("text", "top_cells");

    private final ObjectMapper json;

    JsonRequests(ObjectMapper json) {
        this.json = json;
    }

    /** The body as a JSON object whose fields are all among {@code allowed}. */
    ObjectNode object(byte[] body, List<String> allowed) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            java.util.regex.Matcher dup = java.util.regex.Pattern.compile("^Duplicate field '([^']*)'").matcher(String.valueOf(e.getOriginalMessage()));
            if (dup.find()) throw new BadRequest(dup.group(1), "is given twice; give each field once");
            throw new BadRequest("body", "not valid JSON (" + e.getOriginalMessage() + "); expected an object such as "
                    + "{\"prime\": \"ROMEO:\", \"length\": 200}");
        } catch (java.io.IOException e) {
            throw new BadRequest("body", "cannot be read (" + e.getMessage() + ")");
        }
        if (node == null || node.isMissingNode()) node = json.createObjectNode(); // an empty body: all defaults
        if (!(node instanceof ObjectNode object)) {
            throw new BadRequest("body", "expected a JSON object, got " + node.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw new BadRequest(name, "is not a field of this request; expected some of " + String.join(", ", allowed));
            }
        }
        return object;
    }

    SampleRequest sample(ObjectNode o, ServerSettings limits) {
        int length = integer(o, "length", Math.min(SampleRequest.DEFAULT_LENGTH, limits.maxLength()), 0, limits.maxLength(),
                " (this server's cap)");
        SampleRequest.Builder b = SampleRequest.builder()
                .prime(text(o, "prime", ""))
                .length(length)
                .temperature(number(o, "temperature", 1.0))
                .topK(integer(o, "top_k", 0, 0, Integer.MAX_VALUE, ""))
                .argmax(bool(o, "argmax"))
                .beam(integer(o, "beam", 0, 0, SampleRequest.MAX_BEAM, ""))
                .skipUnknown(bool(o, "skip_unknown"));
        int beam = integer(o, "beam", 0, 0, SampleRequest.MAX_BEAM, "");
        if ((long) beam * length > 4L * limits.maxLength()) { // a beam's work is all done before its first character is sent
            throw new BadRequest("beam", beam + " beams × length " + length + " is more work than this server takes at once; keep beam × length"
                    + " within " + 4L * limits.maxLength());
        }
        JsonNode seed = o.get("seed");
        if (seed != null && !seed.isNull()) {
            if (!seed.canConvertToLong() || !seed.isIntegralNumber()) {
                throw new BadRequest("seed", seed + " is not allowed; expected an integer, or null for a fresh one");
            }
            b.seed(seed.longValue());
        }
        return b.build();
    }

    static String text(ObjectNode o, String field, String fallback) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            if (fallback == null) throw new BadRequest(field, "is missing; expected a string");
            return fallback;
        }
        if (!n.isTextual()) throw new BadRequest(field, "expected a string, got " + n);
        return n.textValue();
    }

    static int integer(ObjectNode o, String field, int fallback, int min, int max, String why) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) return fallback;
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
            throw new BadRequest(field, abbreviate(n) + " is not allowed; expected an integer from " + min + " to " + max + why);
        }
        return n.intValue();
    }

    private static double number(ObjectNode o, String field, double fallback) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) return fallback;
        if (!n.isNumber() || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
            throw new BadRequest(field, abbreviate(n) + " is not allowed; expected a number > 0");
        }
        return n.doubleValue();
    }

    private static boolean bool(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) return false;
        if (!n.isBoolean()) throw new BadRequest(field, abbreviate(n) + " is not allowed; expected true or false");
        return n.booleanValue();
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    static final Set<String> ENDPOINTS = Set.of("GET /", "GET /api/info", "GET /api/health", "POST /api/sample",
            "POST /api/score", "POST /api/trace");
}
