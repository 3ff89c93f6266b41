package org.charrnn.config;

/** Samples written during training, so a user can read how the text evolves (0 = off). */
public record SampleConfig(int every, int length, double temperature, String prime) {
}
