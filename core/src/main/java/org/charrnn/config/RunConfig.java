package org.charrnn.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.UncheckedIOException;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A fully resolved configuration: every key has a value, defaults included; {@code source} names its file in messages. */
public record RunConfig(@Setting(help = "run name; checkpoints go to models/<name>; default: the config file's name") String name,
                        DataConfig data, ModelConfig model, TrainConfig train, SampleConfig sample,
                        DistributedConfig distributed,
                        Map<String, Object> values, String source) {

    public RunConfig {
        values = Collections.unmodifiableMap(values);
    }

    /** This config with {@code key=value} settings applied as --set applies them, checked like any config. */
    public RunConfig with(String... settings) {
        return ConfigLoader.parse(toYaml(), source, name, List.of(settings));
    }

    /** The resolved config as YAML, sectioned as a user would write it; loads back to an equal config. */
    public String toYaml() {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
        ObjectNode root = yaml.createObjectNode();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String[] parts = e.getKey().split("\\.", 2);
            ObjectNode target = parts.length == 1 ? root : root.with(parts[0]);
            Key key = ConfigSchema.get(e.getKey());
            boolean duration = key != null && key.kind() == Key.Kind.DURATION && e.getValue() instanceof Long;
            Object v = duration ? Durations.format((Long) e.getValue()) : e.getValue();
            if (v instanceof List<?> l && l.size() == 1) v = l.get(0); // one input reads back as the plain path it was
            target.putPOJO(parts[parts.length - 1], v);
        }
        try {
            return yaml.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
