package org.charrnn.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class StreamingTest {
    @Test
    void splitsAreContiguousAndCoverTheText() {
        Splits s = Splits.of(1000, 0.9, 0.05);
        assertEquals(new Region(0, 900), s.train());
        assertEquals(new Region(900, 50), s.val());
        assertEquals(new Region(950, 50), s.test());
        Splits all = Splits.of(1001, 0.95, 0.05);
        assertEquals(1001, all.train().length() + all.val().length() + all.test().length());
    }

    @Test
    void streamArithmetic() {
        StreamLayout l = new StreamLayout(new Region(10, 101), 4, 5, false);
        assertEquals(25, l.streamLength(), "(101 - 1) / 4 inputs per stream");
        assertEquals(5, l.segments());
        assertEquals(10 + 2 * 25 + 3, l.offset(2, 3));
        StreamLayout partial = new StreamLayout(new Region(0, 30), 2, 4, true);
        assertEquals(14, partial.streamLength());
        assertEquals(4, partial.segments(), "4 + 4 + 4 + 2");
        assertEquals(2, partial.segmentLength(3));
        assertEquals(28, partial.scoredCharacters());
        StreamLayout dropped = new StreamLayout(new Region(0, 30), 2, 4, false);
        assertEquals(3, dropped.segments(), "training drops the short tail, as char-rnn");
        assertEquals(2, StreamLayout.forEvaluation(new Region(0, 12), 50, 5).batch(), "short regions use fewer streams");
    }

    /** Decodes minibatches back to text: labels are inputs shifted by one, streams continue across minibatches. */
    @Test
    void minibatchesContinueEachStreamAndLabelTheNextCharacter() {
        String text = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        Corpus corpus = Corpus.ofText(text);
        StreamLayout layout = new StreamLayout(new Region(0, text.length()), 3, 4, false);
        CharacterIterator it = new CharacterIterator(corpus, layout, Encoding.ONE_HOT, DataType.FLOAT);
        int l = (int) layout.streamLength();
        StringBuilder[] inputs = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
        StringBuilder[] labels = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
        int batches = 0;
        while (it.hasNext()) {
            DataSet ds = it.next();
            assertArrayEquals(new long[]{3, corpus.vocabulary().size(), 4}, ds.getFeatures().shape());
            for (int b = 0; b < 3; b++) {
                inputs[b].append(decode(ds.getFeatures(), b, corpus.vocabulary()));
                labels[b].append(decode(ds.getLabels(), b, corpus.vocabulary()));
            }
            batches++;
        }
        assertEquals(layout.segments(), batches);
        for (int b = 0; b < 3; b++) {
            int used = batches * 4;
            assertEquals(text.substring(b * l, b * l + used), inputs[b].toString(), "stream " + b);
            assertEquals(text.substring(b * l + 1, b * l + used + 1), labels[b].toString(), "stream " + b + " labels");
        }
    }

    @Test
    void indexEncodingAndSeek() {
        Corpus corpus = Corpus.ofText("hello world, hello world");
        StreamLayout layout = new StreamLayout(new Region(0, 24), 2, 3, false);
        CharacterIterator it = new CharacterIterator(corpus, layout, Encoding.INDICES, DataType.FLOAT);
        assertEquals(1, it.inputColumns());
        DataSet first = it.next();
        DataSet second = it.next();
        assertArrayEquals(new long[]{2, 1, 3}, first.getFeatures().shape());
        assertEquals(corpus.vocabulary().indexOf('h'), first.getFeatures().getInt(0, 0, 0));
        assertArrayEquals(new long[]{2, 1, 3}, first.getLabels().shape(), "labels are indices too");
        assertEquals(corpus.vocabulary().indexOf('e'), first.getLabels().getInt(0, 0, 0));
        it.seek(1);
        assertEquals(1, it.position());
        assertEquals(second.getFeatures(), it.next().getFeatures());
        it.reset();
        assertEquals(0, it.position());
        it.seek(layout.segments());
        assertFalse(it.hasNext());
    }

    private static String decode(INDArray oneHot, int b, Vocabulary v) {
        StringBuilder sb = new StringBuilder();
        for (long t = 0; t < oneHot.size(2); t++) {
            int best = -1;
            for (int k = 0; k < oneHot.size(1); k++) if (oneHot.getFloat(b, k, t) == 1f) best = k;
            sb.appendCodePoint(v.codePoint(best));
        }
        return sb.toString();
    }
}
