package org.charrnn.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The config of {@code train --text FILE}: the quickstart recipe (configs/tinyshakespeare.yaml,
 * shipped inside the jar) pointed at the user's text, in a run named after it. The user's own
 * --set overrides win over what the recipe fills in.
 */
public final class TextRecipe {
    /** The recipe, as the jar carries it. */
    public static final String RESOURCE = "/org/charrnn/recipes/tinyshakespeare.yaml";
    /** How errors about the recipe name their source. */
    public static final String SOURCE = "the --text recipe (configs/tinyshakespeare.yaml)";

    private TextRecipe() {}

    /** The quickstart recipe trained on {@code text}, with the user's {@code overrides} applied last. */
    public static RunConfig forText(Path text, List<String> overrides) {
        List<String> all = new ArrayList<>();
        List<String> userKeys = overrides.stream().map(o -> o.contains("=") ? o.substring(0, o.indexOf('=')).trim() : o).toList();
        for (String filled : List.of("name=" + runName(text), "data.input=" + text, "data.download_url=", "data.sha256=")) {
            if (!userKeys.contains(filled.substring(0, filled.indexOf('=')))) all.add(filled);
        }
        all.addAll(overrides);
        return ConfigLoader.parse(recipe(), SOURCE, runName(text), all);
    }

    /**
     * A run's name for a text: its file name without the extension, or its directory's name for
     * char-rnn's data/NAME/input.txt layout, kept to letters, digits, '.', '_' and '-'.
     */
    public static String runName(Path text) {
        Path abs = text.toAbsolutePath().normalize();
        String file = abs.getFileName() == null ? "text" : abs.getFileName().toString();
        String stem = file.contains(".") && file.lastIndexOf('.') > 0 ? file.substring(0, file.lastIndexOf('.')) : file;
        if (stem.equals("input") && abs.getParent() != null && abs.getParent().getFileName() != null) {
            stem = abs.getParent().getFileName().toString();
        }
        String name = stem.replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.length() > 100) name = name.substring(0, 100);
        return name.isEmpty() || name.equals(".") || name.equals("..") ? "text" : name;
    }

    private static String recipe() {
        try (InputStream in = TextRecipe.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the jar (a broken build)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }
}
