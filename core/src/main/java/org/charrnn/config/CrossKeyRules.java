package org.charrnn.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.charrnn.config.ModelConfig.Cell;
import org.charrnn.config.ModelConfig.Core;
import org.charrnn.config.ModelConfig.Precision;
import org.charrnn.config.ModelConfig.Sizing;

/**
 * What a config must keep between its keys, once each key has parsed on its own: a list of named
 * rules, checked in order. A rule refuses a config in one line naming where the value came from
 * (the file, or --set when the command line gave one of the keys), or settles what one key yields to
 * another (a config's model.size auto yields to a --set model.rnn_size).
 */
final class CrossKeyRules {
    /** One rule: what it keeps, and the check. */
    record Rule(String name, Consumer<Values> check) {}

    /** The parsed values as a rule sees them, and where each came from. */
    static final class Values {
        private final Map<String, Object> values;
        private final String source;
        private final List<String> overrides;

        Values(Map<String, Object> values, String source, List<String> overrides) {
            this.values = values;
            this.source = source;
            this.overrides = overrides;
        }

        String text(String key) {
            return (String) values.get(key);
        }

        boolean flag(String key) {
            return (Boolean) values.get(key);
        }

        int integer(String key) {
            return (Integer) values.get(key);
        }

        long whole(String key) {
            return (Long) values.get(key);
        }

        double number(String key) {
            return (Double) values.get(key);
        }

        /** Whether an enum key holds this constant (the values are still text as the file wrote them). */
        boolean is(String key, Enum<?> value) {
            return values.get(key).equals(ConfigSchema.valueName(value));
        }

        void set(String key, Object value) {
            values.put(key, value);
        }

        /** True when the command line's --set gave this key. */
        boolean onCommandLine(String key) {
            return overrides.stream().anyMatch(o -> o.startsWith(key + "="));
        }

        /** "--set" when the command line gave any of these keys, else the config's name: where a message points. */
        String where(String... keys) {
            for (String k : keys) if (onCommandLine(k)) return "--set";
            return source;
        }

        String source() {
            return source;
        }
    }

    /** The master URLs Spark accepts (its SparkContext and spark-submit docs). */
    private static final Pattern SPARK_MASTER = Pattern.compile(
            "local(\\[(\\*|[1-9]\\d*)(,\\d+)?])?|spark://[^\\s/]+(:\\d+)?(,[^\\s/]+(:\\d+)?)*|yarn|k8s://\\S+|mesos://\\S+");
    /** A JVM memory size as Spark takes it for spark.executor.memory. */
    private static final Pattern JVM_SIZE = Pattern.compile("(?i)[1-9]\\d*[kmgt]b?");

    static final List<Rule> RULES = List.of(
            new Rule("a run is named, plainly", CrossKeyRules::plainName),
            new Rule("checkpoints go to models/<name> unless told", v -> {
                if (v.text("train.checkpoint_dir").isEmpty()) v.set("train.checkpoint_dir", "models/" + v.text("name"));
            }),
            new Rule("the splits fit in the text", CrossKeyRules::splitsFit),
            new Rule("checkpoint names begin with a plain savefile", CrossKeyRules::plainSavefile),
            new Rule("a download comes over https", CrossKeyRules::httpsDownload),
            new Rule("DL4J's stock layers have no GRU", v -> refuseTogether(v, "model.type", Cell.GRU, "model.core", Core.STOCK,
                    "model.core: 'stock' is not allowed with model.type 'gru' (DL4J has no GRU layer); expected 'fused'")),
            new Rule("bf16 products are our cells' own", v -> refuseTogether(v, "model.precision", Precision.BF16, "model.core", Core.STOCK,
                    "model.precision: 'bf16' is not allowed with model.core 'stock' (bf16 products are our cells' own); expected"
                            + " 'f32', or model.core 'fused'")),
            new Rule("layer norm is for the lstm and the gru", CrossKeyRules::layerNormCells),
            new Rule("DL4J's stock layers have no layer norm", v -> {
                if (v.flag("model.layer_norm") && v.is("model.core", Core.STOCK)) {
                    throw new ConfigException(v.where("model.layer_norm", "model.core") + ": model.layer_norm: true is not allowed"
                            + " with model.core 'stock' (DL4J's layers have no layer normalisation); expected false, or model.core 'fused'");
                }
            }),
            new Rule("each Spark worker owns a stream at least", CrossKeyRules::workersWithinBatch),
            new Rule("model.size auto sizes for this machine's budget", CrossKeyRules::autoSize),
            new Rule("a Spark master URL Spark takes", v -> {
                String master = v.text("distributed.master");
                if (!master.isEmpty() && !SPARK_MASTER.matcher(master).matches()) {
                    throw new ConfigException(v.where("distributed.master") + ": distributed.master: '" + master + "' is not a Spark"
                            + " master; expected local[N], spark://host:port, yarn, k8s://https://host:port, or empty");
                }
            }),
            new Rule("an executor memory Spark takes", v -> {
                String memory = v.text("distributed.executor_memory");
                if (!memory.isEmpty() && !JVM_SIZE.matcher(memory).matches()) {
                    throw new ConfigException(v.where("distributed.executor_memory") + ": distributed.executor_memory: '" + memory
                            + "' is not a memory size; expected a number with k, m, g or t (2g, 4096m), or empty");
                }
            }));

    private CrossKeyRules() {}

    /** Checks every rule in order (a rule may settle a key a later one reads). */
    static void apply(Map<String, Object> values, String source, String defaultName, List<String> overrides) {
        Values v = new Values(values, source, overrides);
        if (v.text("name").isEmpty()) v.set("name", defaultName);
        for (Rule r : RULES) r.check().accept(v);
    }

    private static void plainName(Values v) {
        String name = v.text("name");
        if (name.equals(".") || name.equals("..") || name.matches(".*[/\\\\\\p{Cntrl}].*") || name.getBytes(StandardCharsets.UTF_8).length > 200) {
            throw new ConfigException(v.where("name") + ": name: '" + name + "' is not allowed; expected"
                    + " a plain name (no slashes, not . or .., at most 200 bytes): it names the run's directory under models/");
        }
    }

    private static void splitsFit(Values v) {
        double sum = v.number("data.train_frac") + v.number("data.val_frac");
        if (sum > 1 + 1e-9) {
            throw new ConfigException(v.source() + ": data.train_frac + data.val_frac = " + sum
                    + " but they must add up to at most 1 (the test split is what they leave)");
        }
    }

    private static void plainSavefile(Values v) {
        String savefile = v.text("train.savefile");
        if (savefile.matches(".*[/\\\\\\s].*") || savefile.isEmpty() || savefile.getBytes(StandardCharsets.UTF_8).length > 200) {
            throw new ConfigException(v.where("train.savefile") + ": train.savefile: '" + savefile
                    + "' is not allowed; expected a non-empty name without spaces or slashes, at most 200 bytes (it begins every"
                    + " checkpoint's file name)");
        }
    }

    private static void httpsDownload(Values v) {
        String url = v.text("data.download_url");
        if (!url.isEmpty() && !isHttpsUrl(url)) {
            throw new ConfigException(v.where("data.download_url") + ": data.download_url: '" + url
                    + "' is not allowed; expected an https:// address (or none, when data.input is already there)");
        }
    }

    private static boolean isHttpsUrl(String url) {
        try {
            java.net.URI u = new java.net.URI(url);
            return "https".equalsIgnoreCase(u.getScheme()) && u.getHost() != null && !u.getHost().isEmpty();
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static void refuseTogether(Values v, String key, Enum<?> value, String other, Enum<?> otherValue, String message) {
        if (v.is(key, value) && v.is(other, otherValue)) throw new ConfigException(v.where(other, key) + ": " + message);
    }

    private static void layerNormCells(Values v) {
        if (!v.flag("model.layer_norm") || !v.is("model.type", Cell.RNN)) return;
        if (v.onCommandLine("model.type") && !v.onCommandLine("model.layer_norm")) {
            v.set("model.layer_norm", false); // a config's layer norm yields to the one cell without it given on top of it
            return;
        }
        throw new ConfigException(v.where("model.layer_norm", "model.type") + ": model.layer_norm: true is not allowed with"
                + " model.type 'rnn' (layer normalisation is built for the lstm and the gru); expected false, or model.type 'lstm' or 'gru'");
    }

    private static void workersWithinBatch(Values v) {
        int workers = v.integer("distributed.workers");
        int batch = v.integer("train.batch_size");
        if (workers > batch) {
            throw new ConfigException(v.where("distributed.workers", "train.batch_size") + ": distributed.workers: " + workers
                    + " is more than the " + batch + " streams of train.batch_size; each worker needs at least one stream: expected 0 to "
                    + batch);
        }
    }

    private static void autoSize(Values v) {
        int workers = v.integer("distributed.workers");
        boolean sizeGiven = v.onCommandLine("model.rnn_size") || v.onCommandLine("model.dropout");
        if (v.is("model.size", Sizing.AUTO) && !v.onCommandLine("model.size")
                && (sizeGiven || v.whole("train.max_time") == 0 || workers > 0)) {
            v.set("model.size", ConfigSchema.valueName(Sizing.AS_SET)); // a config's auto yields to a size, a dropout, no budget or a cluster given on top of it
        }
        if (!v.is("model.size", Sizing.AUTO)) return;
        String where = v.where("model.size");
        if (sizeGiven) {
            throw new ConfigException("--set: model.size: 'auto' chooses model.rnn_size and model.dropout, and --set gives "
                    + (v.onCommandLine("model.rnn_size") ? "model.rnn_size" : "model.dropout") + " too; give one or the other");
        }
        if (v.whole("train.max_time") == 0) {
            throw new ConfigException(where + ": model.size: 'auto' sizes the model for a budget, and train.max_time is none;"
                    + " set train.max_time (e.g. --set train.max_time=10m), or model.size: as_set");
        }
        if (workers > 0) {
            throw new ConfigException(where + ": model.size: 'auto' measures this machine's pace, not a Spark cluster's;"
                    + " with distributed.workers " + workers + " set model.rnn_size and model.dropout, and model.size: as_set");
        }
    }
}
