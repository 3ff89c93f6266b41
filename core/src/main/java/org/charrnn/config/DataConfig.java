package org.charrnn.config;

import java.util.List;

import static org.charrnn.config.Key.Fixed.DATA_ORDER;

/** Where the text comes from and how it is split (test = what train and val leave). */
public record DataConfig(
        @Setting(value = "data/tinyshakespeare/input.txt",
                help = "UTF-8 text to train on: a file, a directory (its files matching data.glob, in sorted order) or a"
                        + " list of them; a file may be a URI a cluster keeps it at (hdfs://, s3a://, file://: with the spark module);"
                        + " the vocabulary is the distinct characters of all") List<String> input,
        @Setting(value = "**", help = "which files of a directory in data.input, relative to it: ** for all, **/*.c for C"
                + " files (hidden files and directories are skipped)") String glob,
        @Setting(value = "", help = "text put between two files (\"\\n\" for a newline, in double quotes); none by default")
        String separator,
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

    /** data.input as a person reads it: the path, or the paths joined with commas. */
    public String inputShown() {
        return String.join(", ", input);
    }
}
