package org.charrnn.data;

import org.charrnn.config.DataConfig;

/** Contiguous train / val / test regions, in that order, as char-rnn's train_frac and val_frac. */
public record Splits(Region train, Region val, Region test) {

    /** The splits a run's data section asks of a text of {@code corpusLength} characters. */
    public static Splits of(DataConfig data, long corpusLength) {
        return of(corpusLength, data.trainFrac(), data.valFrac());
    }

    public static Splits of(long corpusLength, double trainFrac, double valFrac) {
        long train = (long) Math.floor(corpusLength * trainFrac);
        long val = (long) Math.floor(corpusLength * valFrac);
        // Fractions that add up to 1 leave no test split: the rounding remainder is validation's, not a 1-character test.
        if (train + val > corpusLength || trainFrac + valFrac >= 1 - 1e-9) val = corpusLength - train;
        return new Splits(new Region(0, train), new Region(train, val),
                new Region(train + val, corpusLength - train - val));
    }
}
