package org.charrnn.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a config key on the record component that holds it: the one place a key's default,
 * range, help and checkpoint rule are written. Its YAML name is the section's name and the
 * component's name in snake_case ({@code TrainConfig.seqLength} is {@code train.seq_length}) unless
 * {@link #key()} says otherwise. An enum component's values are its constants in lower case
 * ({@code Sizing.AS_SET} is {@code as_set}). {@link ConfigSchema} reads these; the loader, the checks a resume
 * makes, {@code charrnn keys} and docs/config.md's table all come from it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Setting {
    /** What the key does, in one line (shown by {@code charrnn keys} and in docs/config.md). */
    String help();

    /** The default as a user would write it in YAML. */
    String value() default "";

    double min() default Double.NEGATIVE_INFINITY;

    /** The minimum itself is not allowed. */
    boolean minOpen() default false;

    double max() default Double.POSITIVE_INFINITY;

    /** The maximum itself is not allowed. */
    boolean maxOpen() default false;

    /** What a checkpoint fixes about this key (a resume refuses to change it). */
    Key.Fixed fixed() default Key.Fixed.NO;

    /** A file path (resolved against the working directory). */
    boolean path() default false;

    /** A wall-clock duration (90s, 10m, 2h, 1h30m), held as seconds. */
    boolean duration() default false;

    /** The YAML name within its section, when it is not the component's name in snake_case. */
    String key() default "";
}
