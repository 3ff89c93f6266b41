package org.charrnn.config;

/** Samples written to samples.txt during training, so a user can read how the text evolves. */
public record SampleConfig(
        @Setting(value = "1000", min = 0,
                help = "write a sample every N iterations and at each validation; 0 = never") int every,
        @Setting(value = "200", min = 1, max = 100_000, help = "characters per sample") int length,
        @Setting(value = "0.8", min = 0, minOpen = true, max = 100, help = "temperature of those samples") double temperature,
        @Setting(help = "text the samples start from; empty = a random first character") String prime) {
}
