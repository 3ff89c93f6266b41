package org.charrnn.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * Hands out minibatches of a {@link StreamLayout} in stream order: minibatch k holds steps
 * [k*T, (k+1)*T) of every stream, so the hidden state left by minibatch k is the right start for
 * minibatch k+1 (truncated BPTT across minibatches, as char-rnn carries its state).
 * Features (the characters) and labels (the next characters) are each, as the {@link Encoding}
 * says, [batch, 1, T] indices or [batch, vocab, T] one-hot rows; a DataSet of either works with
 * DL4J's fit. The position can be saved and restored for exact resume.
 */
public class CharacterIterator implements DataSetIterator {
    private final CodeArray codes;
    private final StreamLayout layout;
    private final int vocabularySize;
    private final Encoding encoding;
    private final DataType dataType;
    private int nextSegment;
    private DataSetPreProcessor preProcessor;
    /** With {@link #reusingArrays()}: the arrays the last minibatch was written into, refilled by the next. */
    private boolean reuse;
    private float[] featureValues;
    private float[] labelValues;
    private INDArray features;
    private INDArray labels;

    public CharacterIterator(Corpus corpus, StreamLayout layout, Encoding encoding, DataType dataType) {
        this.codes = corpus.codes();
        this.layout = layout;
        this.vocabularySize = corpus.vocabulary().size();
        this.encoding = encoding;
        this.dataType = dataType;
        if (layout.region().start() + layout.region().length() > codes.length()) {
            throw new IllegalArgumentException("region past the end of the corpus");
        }
    }

    /**
     * Writes every minibatch into the same two arrays, so the loop allocates nothing per update (a
     * native array costs its allocation, its shape buffers and a reference for the collector to find):
     * for a caller done with each minibatch before it asks for the next.
     */
    public CharacterIterator reusingArrays() {
        reuse = true;
        return this;
    }

    public StreamLayout layout() {
        return layout;
    }

    /** Index of the next minibatch within the epoch: the iterator's whole position. */
    public int position() {
        return nextSegment;
    }

    public void seek(int segment) {
        if (segment < 0 || segment > layout.segments()) {
            throw new IllegalArgumentException("position " + segment + " outside 0.." + layout.segments());
        }
        nextSegment = segment;
    }

    @Override
    public boolean hasNext() {
        return nextSegment < layout.segments();
    }

    @Override
    public DataSet next() {
        if (!hasNext()) throw new NoSuchElementException("epoch finished");
        int segment = nextSegment++;
        int batch = layout.batch();
        int t0 = segment * layout.seqLength();
        int len = layout.segmentLength(segment);
        int featureRows = rows(encoding.features());
        int labelRows = rows(encoding.labels());
        boolean refill = reuse && dataType == DataType.FLOAT && features != null && features.size(2) == len;
        float[] fv = refill ? featureValues : new float[batch * featureRows * len];
        float[] lv = refill ? labelValues : new float[batch * labelRows * len];
        if (refill && encoding.features() == InputEncoding.ONE_HOT) java.util.Arrays.fill(fv, 0f);
        if (refill && encoding.labels() == InputEncoding.ONE_HOT) java.util.Arrays.fill(lv, 0f);
        for (int b = 0; b < batch; b++) {
            long base = layout.offset(b, t0);
            for (int t = 0; t < len; t++) {
                put(fv, encoding.features(), featureRows, b, t, len, codes.get(base + t));
                put(lv, encoding.labels(), labelRows, b, t, len, codes.get(base + t + 1));
            }
        }
        INDArray f;
        INDArray l;
        if (refill) {
            f = features;
            l = labels;
            f.data().asNioFloat().put(0, fv);
            l.data().asNioFloat().put(0, lv);
        } else {
            f = Nd4j.create(fv, new long[]{batch, featureRows, len}, 'c');
            l = Nd4j.create(lv, new long[]{batch, labelRows, len}, 'c');
            if (dataType != DataType.FLOAT) {
                f = f.castTo(dataType);
                l = l.castTo(dataType);
            }
            if (reuse) {
                features = f;
                labels = l;
                featureValues = fv;
                labelValues = lv;
            }
        }
        DataSet ds = new DataSet(f, l);
        if (preProcessor != null) preProcessor.preProcess(ds);
        return ds;
    }

    private int rows(InputEncoding e) {
        return e == InputEncoding.ONE_HOT ? vocabularySize : 1;
    }

    /** Character c of stream b at step t into a [batch, rows, len] array: a 1 in its row, or its index. */
    private static void put(float[] a, InputEncoding e, int rows, int b, int t, int len, int c) {
        if (e == InputEncoding.ONE_HOT) a[(b * rows + c) * len + t] = 1f;
        else a[b * len + t] = c;
    }

    @Override
    public DataSet next(int num) {
        throw new UnsupportedOperationException("minibatch size is fixed by the stream layout");
    }

    @Override
    public int inputColumns() {
        return rows(encoding.features());
    }

    @Override
    public int totalOutcomes() {
        return vocabularySize;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    /** Asynchronous prefetch would reorder nothing but would race with seek(); keep it synchronous. */
    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        nextSegment = 0;
    }

    @Override
    public int batch() {
        return layout.batch();
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
