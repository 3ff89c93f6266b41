package org.charrnn.config;

/** A user mistake in a config file or override: the message is one line, ready to print. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
