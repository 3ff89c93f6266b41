package org.charrnn.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a YAML config, applies {@code --set key=value} overrides, and checks every key, type and
 * range against {@link ConfigSchema}. Every problem becomes a one-line {@link ConfigException}
 * that names the file (or flag), the key, the value and what is allowed.
 */
public final class ConfigLoader {
    /** A key given twice is refused: YAML parsers otherwise keep the last, silently dropping the first section. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final long MAX_CONFIG_BYTES = 1 << 20;

    private ConfigLoader() {}

    public static RunConfig load(Path file, List<String> overrides) {
        String source = file.toString();
        String text;
        try {
            if (Files.isDirectory(file)) throw new ConfigException(source + ": is a directory, not a config file");
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new ConfigException(source + ": not a regular file (a pipe or a device); expected a config file");
            }
            if (Files.size(file) > MAX_CONFIG_BYTES) throw new ConfigException(source + ": too large for a config file (over 1 MiB)");
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new ConfigException(source + ": config file not found");
        } catch (CharacterCodingException e) {
            throw new ConfigException(source + ": not a UTF-8 text file");
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot read config file (" + e.getMessage() + ")");
        }
        String defaultName = file.getFileName().toString().replaceFirst("\\.(ya?ml)$", "");
        return parse(text, source, defaultName, overrides);
    }

    /**
     * A config from defaults and {@code key=value} settings, checked as {@code --set} would be: for
     * programs and tests that need a config without a file, e.g. {@code of("model.type=gru", "model.rnn_size=64")}.
     */
    public static RunConfig of(String... settings) {
        return parse("{}", "settings", "run", List.of(settings));
    }

    /**
     * A user's --set list gives each key once: two values for one key on a command line is a slip
     * that would silently keep the last. (Callers layering overrides in code may repeat a key.)
     */
    public static void requireEachKeyOnce(List<String> overrides) {
        Map<String, String> setOnce = new java.util.HashMap<>();
        for (String override : overrides) {
            String key = override.contains("=") ? override.substring(0, override.indexOf('=')).trim() : override;
            String earlier = setOnce.put(key, override);
            if (earlier != null && !earlier.equals(override)) {
                throw new ConfigException("--set " + key + " is given twice (" + earlier + ", " + override + "); give each key once");
            }
        }
    }

    /**
     * Parses config text, each key on its own, then holds the values to {@link CrossKeyRules}; {@code source} names
     * it in messages, {@code defaultName} is the run name when none is given.
     */
    public static RunConfig parse(String text, String source, String defaultName, List<String> overrides) {
        Map<String, JsonNode> given = new LinkedHashMap<>();
        JsonNode root = readYaml(text, source);
        if (root != null) flatten(root, source, given);
        for (String override : overrides) applyOverride(override, given); // in order: a later one wins

        Map<String, Object> values = new LinkedHashMap<>();
        for (Key key : ConfigSchema.KEYS) {
            JsonNode node = given.get(key.name());
            String where = given.containsKey(key.name()) && isOverride(key.name(), overrides)
                    ? "--set" : source;
            values.put(key.name(), node == null ? key.defaultValue() : convert(key, node, where));
        }
        CrossKeyRules.apply(values, source, defaultName, overrides);
        return build(values, source);
    }

    private static boolean isOverride(String key, List<String> overrides) {
        return overrides.stream().anyMatch(o -> o.startsWith(key + "="));
    }

    private static JsonNode readYaml(String text, String source) {
        if (text.isBlank()) throw new ConfigException(source + ": the config file is empty; expected YAML sections data:, model:, train:");
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            java.util.regex.Matcher dup = java.util.regex.Pattern.compile("^Duplicate field '([^']*)'")
                    .matcher(String.valueOf(e.getOriginalMessage()));
            if (dup.find()) {
                throw new ConfigException(source + ": '" + dup.group(1) + "' appears twice; each key and section may appear once");
            }
            java.util.regex.Matcher number = java.util.regex.Pattern.compile("^Malformed numeric value '([^']*)'")
                    .matcher(String.valueOf(e.getOriginalMessage()));
            if (number.find() && e.getLocation() != null) {
                throw new ConfigException(source + ": " + keyOnLine(text, e.getLocation().getLineNr()) + "'" + number.group(1)
                        + "' is not allowed; expected a finite number");
            }
            throw new ConfigException(source + ": not valid YAML" + where + ": " + firstLine(e.getOriginalMessage()));
        }
        refuseYamlSurprises(text, source, "the document");
        refuseSecondDocument(text, source);
        if (root == null || root.isNull() || root.isMissingNode()) return null;
        if (!root.isObject()) {
            throw new ConfigException(source + ": expected a YAML mapping of sections (data:, model:, train:), got "
                    + describe(root));
        }
        return root;
    }

    /** A YAML stream of several documents (--- between them) would be read as its first alone: refused. */
    private static void refuseSecondDocument(String text, String source) {
        try (com.fasterxml.jackson.core.JsonParser p = YAML.getFactory().createParser(text)) {
            int depth = 0;
            int documents = 0;
            for (com.fasterxml.jackson.core.JsonToken t; (t = p.nextToken()) != null; ) {
                if (depth == 0) documents++;
                if (t.isStructStart()) depth++;
                if (t.isStructEnd()) depth--;
                if (documents > 1) {
                    int line = p.currentLocation() == null ? 0 : p.currentLocation().getLineNr();
                    throw new ConfigException(source + ": a second YAML document" + (line > 0 ? " (line " + line + ")" : "")
                            + " would be ignored; a config is one document: remove the --- and what follows, or merge it");
                }
            }
        } catch (IOException e) {
            // readTree has already parsed the first document; a broken second one is reported by the check above only if it started
        }
    }

    /** "train.learning_rate: " for the key written on that line (YAML .inf and .nan fail before a key is known), else "line N: ". */
    private static String keyOnLine(String text, int lineNr) {
        String[] lines = text.split("\n", -1);
        if (lineNr < 1 || lineNr > lines.length) return "";
        String written = lines[lineNr - 1].trim().split(":", 2)[0].trim();
        List<Key> matches = ConfigSchema.KEYS.stream().filter(k -> k.name().endsWith("." + written) || k.name().equals(written)).toList();
        return matches.size() == 1 ? matches.get(0).name() + ": " : "line " + lineNr + ": ";
    }

    /**
     * YAML 1.1 reads some plain values as something else than they look (040 is octal 32; yes, no,
     * on and off are booleans) and lets a value be an alias of another: each is refused with how to
     * write what was meant, rather than applied silently.
     */
    private static void refuseYamlSurprises(String text, String source, String wholeKey) {
        try (com.fasterxml.jackson.dataformat.yaml.YAMLParser p =
                     (com.fasterxml.jackson.dataformat.yaml.YAMLParser) YAML.getFactory().createParser(text)) {
            for (com.fasterxml.jackson.core.JsonToken t; (t = p.nextToken()) != null; ) {
                String key = keyOf(p, wholeKey);
                if (p.isCurrentAlias() || p.getCurrentAnchor() != null) {
                    throw new ConfigException(source + ": " + key + ": YAML anchors and aliases (&name, *name) are not"
                            + " supported here; write the value itself");
                }
                String raw = p.getText();
                if (t == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT && raw.matches("[-+]?0[0-9_]+|[-+]?0[xXoObB].*")) {
                    String base = raw.matches("[-+]?0[xX].*") ? "0x is hexadecimal" : raw.matches("[-+]?0[bB].*") ? "0b is binary"
                            : "a leading 0 is octal";
                    String meant = raw.matches("[-+]?0[0-9_]+") ? raw.replaceFirst("^([-+]?)0+(?=\\d)", "$1") : String.valueOf(p.getLongValue());
                    throw new ConfigException(source + ": " + key + ": " + raw + " reads as " + p.getLongValue()
                            + " in YAML (" + base + "); write " + meant + ", or quote it");
                }
                if ((t == com.fasterxml.jackson.core.JsonToken.VALUE_TRUE || t == com.fasterxml.jackson.core.JsonToken.VALUE_FALSE)
                        && !raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
                    throw new ConfigException(source + ": " + key + ": " + raw + " reads as " + (t == com.fasterxml.jackson.core.JsonToken.VALUE_TRUE)
                            + " in YAML; quote it ('" + raw + "') if you meant the text");
                }
            }
        } catch (IOException e) {
            // readTree has already parsed it; nothing more to say
        }
    }

    /** "train.seed" for a value inside section train, "name" at the top. */
    private static String keyOf(com.fasterxml.jackson.core.JsonParser p, String wholeKey) {
        com.fasterxml.jackson.core.JsonStreamContext c = p.getParsingContext();
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (; c != null; c = c.getParent()) if (c.getCurrentName() != null) parts.add(0, c.getCurrentName());
        return parts.isEmpty() ? wholeKey : String.join(".", parts);
    }

    private static void flatten(JsonNode root, String source, Map<String, JsonNode> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> top = it.next();
            String name = top.getKey();
            JsonNode value = top.getValue();
            if (ConfigSchema.isSection(name)) {
                if (value.isNull()) continue; // an empty section
                if (!value.isObject()) {
                    throw new ConfigException(source + ": " + name + ": expected a section of keys, got " + describe(value));
                }
                for (Iterator<Map.Entry<String, JsonNode>> f = value.fields(); f.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = f.next();
                    String full = name + "." + e.getKey();
                    requireKnown(full, source);
                    out.put(full, e.getValue());
                }
            } else {
                requireKnown(name, source);
                out.put(name, value);
            }
        }
    }

    private static void requireKnown(String key, String source) {
        if (ConfigSchema.get(key) == null) {
            throw new ConfigException(source + ": unknown key '" + key + "'"
                    + Suggestions.didYouMean(key, ConfigSchema.KEYS.stream().map(Key::name).toList()));
        }
    }

    private static void applyOverride(String override, Map<String, JsonNode> given) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("--set " + override + ": expected key=value, for example --set train.batch_size=100");
        }
        String key = override.substring(0, eq).trim();
        if (ConfigSchema.isSection(key)) {
            throw new ConfigException("--set " + override + ": '" + key + "' is a section; set one of its keys, e.g. --set "
                    + ConfigSchema.KEYS.stream().filter(k -> k.section().equals(key)).findFirst().orElseThrow().name() + "=...");
        }
        requireKnown(key, "--set");
        String raw = override.substring(eq + 1);
        Key.Kind kind = ConfigSchema.get(key).kind();
        if (kind == Key.Kind.STRING || kind == Key.Kind.PATH || kind == Key.Kind.PATHS || kind == Key.Kind.ENUM) {
            given.put(key, TextNode.valueOf(raw)); // text as typed: no YAML reading of '#', '- ', ': ', yes or 040
            return;
        }
        JsonNode value;
        try {
            value = raw.isBlank() ? TextNode.valueOf("") : YAML.readTree(raw);
            if (value != null && value.isValueNode()) refuseYamlSurprises(raw, "--set", key);
        } catch (JsonProcessingException e) {
            value = TextNode.valueOf(raw);
        }
        given.put(key, value == null ? NullNode.getInstance() : value);
    }

    /** v within the key's bounds, compared exactly (a long past 2^53 is not one a double can tell apart). */
    private static boolean withinExactly(long v, Key key) {
        java.math.BigDecimal x = java.math.BigDecimal.valueOf(v);
        boolean aboveMin = key.min() == Double.NEGATIVE_INFINITY || x.compareTo(new java.math.BigDecimal(key.min())) >= 0;
        boolean belowMax = key.max() == Double.POSITIVE_INFINITY || x.compareTo(new java.math.BigDecimal(key.max())) <= 0;
        return aboveMin && belowMax;
    }

    private static Object convert(Key key, JsonNode node, String source) {
        String prefix = source + ": " + key.name() + ": ";
        String bad = prefix + shown(node) + " is not allowed; expected " + key.allowed();
        switch (key.kind()) {
            case INT, LONG -> {
                if (!node.isIntegralNumber() || !node.canConvertToLong()) throw new ConfigException(bad);
                long v = node.asLong();
                if (!withinExactly(v, key)) throw new ConfigException(bad);
                return key.kind() == Key.Kind.INT ? (Object) (int) v : (Object) v;
            }
            case BOOL -> {
                if (!node.isBoolean()) throw new ConfigException(bad);
                return node.booleanValue();
            }
            case DOUBLE -> {
                if (!node.isNumber()) throw new ConfigException(bad);
                double v = node.asDouble();
                boolean ok = Double.isFinite(v)
                        && (key.minInclusive() ? v >= key.min() : v > key.min())
                        && (key.maxInclusive() ? v <= key.max() : v < key.max());
                if (!ok) throw new ConfigException(bad);
                return v;
            }
            case ENUM -> {
                if (!node.isTextual() || !key.choices().contains(node.asText())) {
                    throw new ConfigException(bad + (node.isTextual() ? Suggestions.didYouMean(node.asText(), key.choices()) : ""));
                }
                return node.asText();
            }
            case PATHS -> {
                List<String> paths = new java.util.ArrayList<>();
                if (node.isArray()) {
                    for (JsonNode e : node) {
                        if (!e.isTextual() || e.asText().isBlank()) throw new ConfigException(bad);
                        paths.add(homeExpanded(e.asText()));
                    }
                } else if (node.isTextual()) {
                    if (!node.asText().isEmpty()) paths.add(homeExpanded(node.asText()));
                } else {
                    throw new ConfigException(bad);
                }
                if (paths.isEmpty()) throw new ConfigException(prefix + "an empty value is not allowed; expected " + key.allowed());
                return List.copyOf(paths);
            }
            case DURATION -> {
                if (node.isTextual() && node.asText().isBlank()) {
                    throw new ConfigException(prefix + "an empty value is not allowed; expected " + key.allowed());
                }
                double exact = node.isNumber() ? node.asDouble() : node.isTextual() ? Durations.exactSeconds(node.asText()) : -1;
                if (exact > 0 && exact < 1) {
                    throw new ConfigException(prefix + shown(node) + " is shorter than a second; expected at least 1s, or 0 for none");
                }
                long seconds = node.isIntegralNumber() && node.canConvertToLong() ? node.asLong()
                        : node.isTextual() ? Durations.seconds(node.asText()) : -1;
                if (seconds < 0) throw new ConfigException(bad);
                return seconds;
            }
            default -> {
                if (!node.isValueNode() || node.isNull()) throw new ConfigException(bad);
                if (key.kind() == Key.Kind.PATH && node.asText().isEmpty() && !key.defaultValue().equals("")) {
                    throw new ConfigException(prefix + "an empty value is not allowed; expected a file path");
                }
                if (key.kind() == Key.Kind.PATH) return homeExpanded(node.asText());
                return node.asText();
            }
        }
    }

    /** ~ and ~/x as a shell reads them: the user's home directory (Java would make a directory named ~). */
    private static String homeExpanded(String path) {
        if (path.equals("~")) return System.getProperty("user.home");
        if (path.startsWith("~/")) return System.getProperty("user.home") + path.substring(1);
        return path;
    }

    private static RunConfig build(Map<String, Object> v, String source) {
        Map<Class<?>, Record> sections = new java.util.HashMap<>();
        for (ConfigSchema.Section s : ConfigSchema.sections()) sections.put(s.type(), ConfigSchema.instantiate(s, v));
        return new RunConfig((String) v.get("name"), (DataConfig) sections.get(DataConfig.class),
                (ModelConfig) sections.get(ModelConfig.class), (TrainConfig) sections.get(TrainConfig.class),
                (SampleConfig) sections.get(SampleConfig.class),
                (DistributedConfig) sections.get(DistributedConfig.class), v, source);
    }

    private static String shown(JsonNode node) {
        if (node.isNull()) return "an empty value";
        if (node.isTextual()) return "'" + node.asText() + "'";
        if (node.isContainerNode()) return describe(node);
        return node.asText();
    }

    private static String describe(JsonNode node) {
        if (node.isArray()) return "a list";
        if (node.isObject()) return "a section";
        if (node.isTextual()) return "the text '" + node.asText() + "'";
        return node.asText();
    }

    private static String firstLine(String s) {
        if (s == null) return "parse error";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
