package org.charrnn.model;

import org.charrnn.data.CharacterIterator;
import org.charrnn.data.Corpus;
import org.charrnn.data.Region;
import org.charrnn.data.StreamLayout;
import org.charrnn.model.layer.CarriedState;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;

/**
 * A graph updated round and round on a few minibatches from the start of a text, state carried as
 * in training: what {@code bench} times and {@code model.size: auto} probes (speed does not depend on
 * what the text says, so a few minibatches stand for all of it).
 */
public final class RepeatedUpdates {
    private final ComputationGraph graph;
    private final TrainingStep step;
    private final CarriedState carried;
    private final List<DataSet> batches = new ArrayList<>();
    private final long charsPerUpdate;
    private int next;

    public RepeatedUpdates(ComputationGraph graph, Corpus text, int batch, int seqLength, int minibatches) {
        this.graph = graph;
        step = new TrainingStep(graph);
        carried = CarriedState.of(graph);
        long length = Math.min(text.length(), (long) batch * seqLength * minibatches + 1);
        StreamLayout layout = new StreamLayout(new Region(0, length), batch, seqLength, false);
        CharacterIterator it = new CharacterIterator(text, layout, GraphFactory.encoding(graph), graph.params().dataType());
        while (it.hasNext()) batches.add(it.next());
        charsPerUpdate = (long) batch * seqLength;
    }

    /** The graph being updated. */
    public ComputationGraph graph() {
        return graph;
    }

    public void updates(int n) {
        for (int i = 0; i < n; i++) update();
    }

    /** Chars/s over at least {@code seconds} and at least {@code minUpdates} updates. */
    public double window(double seconds, int minUpdates) {
        long t0 = System.nanoTime();
        long n = 0;
        do {
            update();
            n++;
        } while (System.nanoTime() - t0 < seconds * 1e9 || n < minUpdates);
        return n * charsPerUpdate / ((System.nanoTime() - t0) / 1e9);
    }

    private void update() {
        step.fit(batches.get(next++ % batches.size()));
        carried.advance();
    }
}
