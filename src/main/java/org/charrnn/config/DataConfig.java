package org.charrnn.config;

import static org.charrnn.config.Key.Fixed.DATA_ORDER;

/** Where the text comes from and how it is split (test = what train and val leave). */
public record DataConfig(
        @Setting(value = "data/tinyshakespeare/input.txt", path = true,
                help = "UTF-8 text to train on (the vocabulary is its distinct characters)") String input,
        @Setting(help = "where to fetch data.input from when it is missing") String downloadUrl,
        @Setting(help = "expected SHA-256 of the downloaded file") String sha256,
        @Setting(value = "0.95", min = 0, minOpen = true, max = 1, fixed = DATA_ORDER,
                help = "the first part of the text, trained on") double trainFrac,
        @Setting(value = "0.05", min = 0, max = 1, maxOpen = true, fixed = DATA_ORDER,
                help = "the next part, for validation; test is what the two leave") double valFrac,
        @Setting(value = "false", fixed = DATA_ORDER, help = "drop the characters a model's vocabulary lacks from the text"
                + " (fine-tuning with --init-from on a text with a few new ones), counted in the start report;"
                + " false refuses such a text") boolean skipUnknown) {

    public boolean downloadable() {
        return !downloadUrl.isEmpty();
    }
}
