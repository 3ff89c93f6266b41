package org.charrnn.testing;

import org.charrnn.config.RunConfig;
import org.charrnn.train.TrainingEvents;
import org.charrnn.train.TrainingRun;

import java.nio.file.Path;

/** Small models trained for a test in a few seconds, on generated text. */
public final class TrainedModels {
    private TrainedModels() {}

    /** Trains a 2×32 network of {@code cell} on generated sentences in {@code dir}; returns its best.zip. */
    public static Path tiny(Path dir, String cell) {
        Path text = TestTexts.write(dir, "grammar.txt", TestTexts.grammar(20000, 11));
        RunConfig c = TestTexts.smallConfig(text, dir.resolve("run"), "model.type=" + cell, "train.max_epochs=4", "train.learning_rate=0.005");
        try (TrainingRun run = TrainingRun.prepare(c, TrainingRun.Mode.FRESH, null, new TrainingEvents() { })) {
            run.run();
        }
        return dir.resolve("run/best.zip");
    }
}
