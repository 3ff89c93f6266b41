package org.charrnn.data;

import org.charrnn.config.TrainConfig;

/**
 * How a region is cut into {@code batch} parallel streams read {@code seqLength} steps at a time
 * (char-rnn's layout): stream s covers inputs [s*L, (s+1)*L) of the region, labels one further.
 * With {@code partialLastSegment}, the last segment may be shorter so the whole region is read
 * (validation); without, the remainder is dropped (training, like char-rnn).
 */
public record StreamLayout(Region region, int batch, int seqLength, boolean partialLastSegment) {

    /** Inputs per stream: every char but the last has a successor to predict. */
    public long streamLength() {
        return region.length() < 1 ? 0 : (region.length() - 1) / batch;
    }

    /** Segments per pass; a layout of more than 2^31 - 1 (a huge text in few, short streams) is refused. */
    public int segments() {
        long l = streamLength();
        long n = partialLastSegment ? (l + seqLength - 1) / seqLength : l / seqLength;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(n + " segments of " + seqLength + " steps in each of " + batch + " streams: more than"
                    + " 2^31 - 1; use a larger batch or sequence length");
        }
        return (int) n;
    }

    public int segmentLength(int segment) {
        return (int) Math.min(seqLength, streamLength() - (long) segment * seqLength);
    }

    /** Characters whose prediction is scored in one full pass. */
    public long scoredCharacters() {
        long total = 0;
        for (int s = 0; s < segments(); s++) total += (long) segmentLength(s) * batch;
        return total;
    }

    /** Corpus offset of the input at step t of stream b. */
    public long offset(int stream, long step) {
        return region.start() + stream * streamLength() + step;
    }

    /** The training layout: train.batch_size streams read train.seq_length steps at a time, the remainder dropped. */
    public static StreamLayout forTraining(Region region, TrainConfig train) {
        return new StreamLayout(region, train.batchSize(), train.seqLength(), false);
    }

    /** A layout for scoring a whole region: up to {@code batch} streams, fewer when the region is short. */
    public static StreamLayout forEvaluation(Region region, int batch, int seqLength) {
        int usable = (int) Math.max(1, Math.min(batch, (region.length() - 1) / Math.max(1, seqLength)));
        return new StreamLayout(region, usable, seqLength, true);
    }
}
