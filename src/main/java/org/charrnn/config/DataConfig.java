package org.charrnn.config;

/** Where the text comes from and how it is split (test = what train and val leave). */
public record DataConfig(String input, String downloadUrl, String sha256, double trainFrac, double valFrac) {
    public boolean downloadable() {
        return !downloadUrl.isEmpty();
    }
}
