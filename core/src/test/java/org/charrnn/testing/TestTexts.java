package org.charrnn.testing;

import org.charrnn.config.ConfigLoader;
import org.charrnn.config.RunConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Text and configs that tests make for themselves. */
public final class TestTexts {
    private TestTexts() {}

    /**
     * A learnable text: sentences from a tiny grammar, so the next character is often (not always)
     * predictable. A model that learns nothing stays near log(vocab) ≈ 3 nats/char; one that learns
     * the words gets well under 1.5.
     */
    public static String grammar(int characters, long seed) {
        String[] subjects = {"the cat", "a dog", "my friend", "the old king", "her sister"};
        String[] verbs = {"sees", "likes", "finds", "takes", "wants"};
        String[] objects = {"the ball", "a red apple", "the moon", "some bread", "the river"};
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < characters) {
            sb.append(subjects[r.nextInt(subjects.length)]).append(' ').append(verbs[r.nextInt(verbs.length)])
                    .append(' ').append(objects[r.nextInt(objects.length)]).append(r.nextInt(4) == 0 ? ".\n" : ". ");
        }
        return sb.substring(0, characters);
    }

    public static Path write(Path dir, String name, String text) {
        try {
            Path p = dir.resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text, StandardCharsets.UTF_8);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code first} followed by {@code rest}: fixed overrides ahead of a test's own (later ones win). */
    public static String[] prepend(String[] rest, String... first) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    /** A small, fast config over {@code input} writing to {@code checkpoints}, plus overrides. */
    public static RunConfig smallConfig(Path input, Path checkpoints, String... overrides) {
        List<String> all = new ArrayList<>(List.of(
                "data.input=" + input, "train.checkpoint_dir=" + checkpoints,
                "model.rnn_size=32", "model.num_layers=2", "train.batch_size=8", "train.seq_length=20",
                "train.max_epochs=1", "train.eval_val_every=1000", "train.print_every=1000", "data.train_frac=0.9",
                "data.val_frac=0.1"));
        all.addAll(List.of(overrides));
        return ConfigLoader.parse("name: test\n", "test.yaml", "test", all);
    }
}
