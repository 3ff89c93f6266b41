package org.charrnn.train;

import org.charrnn.data.CharacterIterator;
import org.charrnn.data.Corpus;
import org.charrnn.data.InputEncoding;
import org.charrnn.data.Region;
import org.charrnn.data.StreamLayout;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Mean cross-entropy (nats per character) of a model over a whole region, streamed like training:
 * parallel streams, state carried through the region with rnnTimeStep, no dropout.
 */
public final class Evaluator {
    private static final double LN2 = Math.log(2);

    private Evaluator() {}

    public record Loss(double natsPerChar, long characters) {
        public double bitsPerChar() {
            return natsPerChar / LN2;
        }
    }

    public static Loss evaluate(ComputationGraph graph, Corpus corpus, Region region, int batch, int seqLength,
                                InputEncoding encoding) {
        return evaluate(graph, corpus, region, batch, seqLength, encoding, (done, total) -> { });
    }

    /** Reports progress after each minibatch to {@code progress(done, total)}. */
    public static Loss evaluate(ComputationGraph graph, Corpus corpus, Region region, int batch, int seqLength,
                                InputEncoding encoding, java.util.function.BiConsumer<Integer, Integer> progress) {
        StreamLayout layout = StreamLayout.forEvaluation(region, batch, seqLength);
        if (layout.streamLength() < 1) return new Loss(Double.NaN, 0);
        CharacterIterator it = new CharacterIterator(corpus, layout, encoding, graph.params().dataType());
        graph.rnnClearPreviousState();
        double total = 0;
        long count = 0;
        try {
            while (it.hasNext()) {
                DataSet ds = it.next();
                INDArray probs = graph.rnnTimeStep(ds.getFeatures())[0];
                // -log p(label): labels are one-hot, so sum(labels * log p) picks the right entries
                INDArray logp = Transforms.log(Transforms.max(probs, 1e-30, true), false);
                total -= logp.muli(ds.getLabels()).sumNumber().doubleValue();
                count += ds.getLabels().size(0) * ds.getLabels().size(2);
                progress.accept(it.position(), layout.segments());
            }
        } finally {
            graph.rnnClearPreviousState();
        }
        return new Loss(total / count, count);
    }
}
