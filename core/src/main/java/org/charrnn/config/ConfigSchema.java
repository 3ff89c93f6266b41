package org.charrnn.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key a config file may hold, read from the {@link Setting}s on {@link RunConfig}'s
 * components: the top-level {@code name}, then one section per record component (data, model,
 * train, sample, distributed), named as in char-rnn (rnn_size, seq_length, learning_rate_decay_after, ...).
 */
public final class ConfigSchema {
    /** A section of the file and the record that holds it. */
    record Section(String name, Class<? extends Record> type, List<Key> keys) {}

    private static final List<Key> TOP = new ArrayList<>();
    private static final List<Section> SECTIONS = new ArrayList<>();
    public static final List<Key> KEYS;
    private static final Map<String, Key> BY_NAME = new LinkedHashMap<>();

    static {
        for (RecordComponent c : RunConfig.class.getRecordComponents()) {
            Setting s = c.getAnnotation(Setting.class);
            if (s != null) {
                TOP.add(key("", c, s));
            } else if (c.getType().isRecord()) {
                @SuppressWarnings("unchecked") Class<? extends Record> type = (Class<? extends Record>) c.getType();
                List<Key> keys = new ArrayList<>();
                for (RecordComponent f : type.getRecordComponents()) {
                    Setting fs = f.getAnnotation(Setting.class);
                    if (fs == null) throw new IllegalStateException(type.getSimpleName() + "." + f.getName() + " has no @Setting");
                    keys.add(key(c.getName() + ".", f, fs));
                }
                SECTIONS.add(new Section(c.getName(), type, List.copyOf(keys)));
            }
        }
        List<Key> all = new ArrayList<>(TOP);
        SECTIONS.forEach(s -> all.addAll(s.keys()));
        KEYS = List.copyOf(all);
        for (Key k : KEYS) BY_NAME.put(k.name(), k);
    }

    private ConfigSchema() {}

    public static Key get(String name) {
        return BY_NAME.get(name);
    }

    /** The keys a checkpoint fixes: a resume refuses to change them. */
    public static List<Key> fixedByCheckpoint() {
        return KEYS.stream().filter(Key::fixedByCheckpoint).toList();
    }

    /** The keys a checkpoint fixes for the given reason. */
    public static List<Key> fixed(Key.Fixed reason) {
        return KEYS.stream().filter(k -> k.fixed() == reason).toList();
    }

    public static boolean isSection(String name) {
        return SECTIONS.stream().anyMatch(s -> s.name().equals(name));
    }

    static List<Section> sections() {
        return SECTIONS;
    }

    /** Builds a section's record from resolved values, in the record's component order. */
    static <R extends Record> R instantiate(Section section, Map<String, Object> values) {
        RecordComponent[] components = section.type().getRecordComponents();
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] args = new Object[components.length];
        for (int i = 0; i < args.length; i++) {
            Object v = values.get(section.keys().get(i).name());
            args[i] = types[i].isEnum() ? constant(types[i], (String) v) : v;
        }
        try {
            Constructor<? extends Record> ctor = section.type().getDeclaredConstructor(types);
            @SuppressWarnings("unchecked") R r = (R) ctor.newInstance(args);
            return r;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + section.type().getSimpleName(), e);
        }
    }

    /** docs/config.md's table of keys: key, default, allowed values, what it does; "fixed" marks what a resume cannot change. */
    public static String markdownTable() {
        StringBuilder b = new StringBuilder("| key | default | allowed | meaning |\n|---|---|---|---|\n");
        for (Key k : KEYS) {
            String allowed = switch (k.kind()) {
                case STRING -> "text";
                case BOOL -> "`true`, `false`";
                case PATH -> "a path";
                case PATHS -> "a path, or a list of paths";
                case DURATION -> "`90s`, `10m`, `2h`, `1h30m`";
                case ENUM -> "`" + String.join("`, `", k.choices()) + "`";
                default -> k.allowed().replaceFirst("^an? (integer|number) in ", "");
            };
            b.append("| `").append(k.name()).append("` | ").append(k.shownDefault()).append(" | ").append(allowed)
                    .append(" | ").append(k.help().replace("|", "\\|"))
                    .append(k.fixedByCheckpoint() ? " (fixed by a checkpoint)" : "").append(" |\n");
        }
        return b.toString();
    }

    private static Key key(String prefix, RecordComponent c, Setting s) {
        String name = prefix + (s.key().isEmpty() ? snakeCase(c.getName()) : s.key());
        Class<?> t = c.getType();
        Key.Kind kind;
        Object def;
        double min = s.min();
        double max = s.max();
        List<String> choices = List.of();
        if (s.duration()) {
            kind = Key.Kind.DURATION;
            def = s.value().isEmpty() ? 0L : Durations.seconds(s.value());
        } else if (t == int.class) {
            kind = Key.Kind.INT;
            def = Integer.parseInt(s.value());
            min = Math.max(min, Integer.MIN_VALUE);
            max = Math.min(max, Integer.MAX_VALUE);
        } else if (t == long.class) {
            kind = Key.Kind.LONG;
            def = Long.parseLong(s.value());
        } else if (t == double.class) {
            kind = Key.Kind.DOUBLE;
            def = Double.parseDouble(s.value());
        } else if (t == List.class) {
            kind = Key.Kind.PATHS;
            def = s.value().isEmpty() ? List.of() : List.of(s.value());
        } else if (t == boolean.class) {
            kind = Key.Kind.BOOL;
            def = Boolean.parseBoolean(s.value());
        } else if (t.isEnum()) {
            kind = Key.Kind.ENUM;
            choices = Arrays.stream(t.getEnumConstants()).map(e -> valueName((Enum<?>) e)).toList();
            def = s.value();
            constant(t, s.value()); // a default that is no value of its type fails when the schema loads
        } else if (t == String.class) {
            kind = s.path() ? Key.Kind.PATH : Key.Kind.STRING;
            def = s.value();
        } else {
            throw new IllegalStateException(name + ": unsupported type " + t);
        }
        return new Key(name, kind, def, min, !s.minOpen(), max, !s.maxOpen(), choices, s.help(), s.fixed());
    }

    /** How a config writes an enum's constant: its name in lower case ({@code AS_SET} is {@code as_set}). */
    public static String valueName(Enum<?> constant) {
        return constant.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The constant of {@code type} that a config's text names ({@link #valueName}), or null. */
    public static <E extends Enum<E>> E valueOf(Class<E> type, String value) {
        for (E e : type.getEnumConstants()) if (valueName(e).equals(value)) return e;
        return null;
    }

    /** The constant of an enum-typed key that a config's value names (the loader has checked it is one). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object constant(Class<?> type, String value) {
        Object e = valueOf((Class) type, value);
        if (e == null) throw new IllegalStateException("'" + value + "' is no " + type.getSimpleName());
        return e;
    }

    static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
