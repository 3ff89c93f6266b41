package org.charrnn.eval;

import org.charrnn.data.CharacterIterator;
import org.charrnn.data.Corpus;
import org.charrnn.data.Encoding;
import org.charrnn.data.InputEncoding;
import org.charrnn.model.GraphFactory;
import org.charrnn.model.MemoryEstimate;
import org.charrnn.model.kernel.FloatArrays;
import org.charrnn.data.Region;
import org.charrnn.data.StreamLayout;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.FloatBuffer;
import java.util.concurrent.CancellationException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Mean cross-entropy (nats per character) of a model over a whole region, streamed like training:
 * parallel streams, state carried through the region with rnnTimeStep, no dropout. The streams are
 * training's (train.batch_size of them); each call reads a stretch of them at least a training segment
 * long ({@link MemoryEstimate#validationRows}): with the state carried the loss is the same, and a
 * call's fixed costs (DL4J's graph, the native calls' set-up) are paid once per stretch, which at
 * min-char-rnn's batch 1 and 25 steps made validating cost more than training. The last, shorter stretch
 * is padded to the others' length and only its own characters scored: the network is causal, so what
 * follows them cannot change their loss, and every call has one shape — the layers run it on the buffers
 * they already hold (a training segment's, when the shapes agree) instead of sizing a second set.
 */
public final class Evaluator {
    private static final double LN2 = Math.log(2);
    private Evaluator() {}

    public record Loss(double natsPerChar, long characters) {
        public double bitsPerChar() {
            return natsPerChar / LN2;
        }
    }

    public static Loss evaluate(ComputationGraph graph, Corpus corpus, Region region, int batch, int seqLength) {
        return evaluate(graph, corpus, region, batch, seqLength, (done, total) -> { }, () -> null);
    }

    /**
     * Reports progress after each minibatch to {@code progress(done, total)}, and asks {@code stop}
     * after each whether to go on: a reason (not null) ends the evaluation with a
     * {@link CancellationException} carrying it.
     */
    public static Loss evaluate(ComputationGraph graph, Corpus corpus, Region region, int batch, int seqLength,
                                BiConsumer<Integer, Integer> progress, Supplier<String> stop) {
        StreamLayout streams = StreamLayout.forEvaluation(region, batch, seqLength);
        if (streams.streamLength() < 1) return new Loss(Double.NaN, 0);
        long rows = MemoryEstimate.validationRows(streams.batch(), seqLength, widestLayer(graph));
        int steps = (int) Math.min(streams.streamLength(), Math.max(seqLength, rows / streams.batch()));
        StreamLayout layout = new StreamLayout(region, streams.batch(), steps, true);
        Encoding encoding = GraphFactory.encoding(graph);
        CharacterIterator it = new CharacterIterator(corpus, layout, encoding, graph.params().dataType()).reusingArrays();
        graph.rnnClearPreviousState();
        double total = 0;
        long count = 0;
        try {
            while (it.hasNext()) {
                DataSet ds = it.next();
                INDArray probs = graph.rnnTimeStep(padded(ds.getFeatures(), steps))[0];
                total += encoding.labels() == InputEncoding.INDEX ? nats(probs, ds.getLabels()) : natsOneHot(probs, ds.getLabels());
                count += ds.getLabels().size(0) * ds.getLabels().size(2);
                progress.accept(it.position(), layout.segments());
                String why = stop.get();
                if (why != null) throw new CancellationException(why);
            }
        } finally {
            graph.rnnClearPreviousState();
        }
        return new Loss(total / count, count);
    }

    /** Features [B, rows, T] as [B, rows, steps]: themselves when T = steps, else followed by zeros. */
    private static INDArray padded(INDArray features, int steps) {
        long time = features.size(2);
        if (time == steps) return features;
        INDArray out = Nd4j.zeros(features.dataType(), features.size(0), features.size(1), steps);
        out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, time)).assign(features);
        return out;
    }

    private static long widestLayer(ComputationGraph graph) {
        long widest = 1;
        for (org.deeplearning4j.nn.api.Layer l : graph.getLayers()) {
            if (l.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer f) widest = Math.max(widest, f.getNOut());
        }
        return widest;
    }

    /** Σ −log p(label) for probabilities [B, V, T′ ≥ T] and one-hot labels [B, V, T]. */
    private static double natsOneHot(INDArray probs, INDArray labels) {
        probs = probs.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, labels.size(2)));
        INDArray logp = Transforms.log(Transforms.max(probs, 1e-30, true), false);
        return -logp.muli(labels).sumNumber().doubleValue();
    }

    /** Σ −log p(label) for probabilities [B, V, T′ ≥ T] and index labels [B, 1, T], read in place (a copy of p is 2 MB a call). */
    private static double nats(INDArray probs, INDArray labels) {
        long batch = probs.size(0);
        long v = probs.size(1);
        long stride = probs.size(2);
        long time = labels.size(2);
        FloatBuffer p = FloatArrays.buffer(FloatArrays.contiguous(probs));
        FloatBuffer y = FloatArrays.buffer(FloatArrays.contiguous(labels));
        double total = 0;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) {
                int c = (int) y.get((int) (b * time + t));
                total -= Math.log(Math.max(p.get((int) ((b * v + c) * stride + t)), 1e-30));
            }
        }
        return total;
    }
}
