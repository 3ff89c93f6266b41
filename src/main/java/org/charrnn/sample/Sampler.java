package org.charrnn.sample;

import org.charrnn.data.InputEncoding;
import org.charrnn.data.Vocabulary;
import org.charrnn.model.GraphFactory;
import org.charrnn.model.Stepper;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Generates text one character at a time with rnnTimeStep, as char-rnn's sample.lua: the prime is
 * fed through the network in one pass, then each drawn character is fed back in. With no prime
 * the first character is drawn uniformly, as char-rnn does.
 */
public final class Sampler {
    private final ComputationGraph graph;
    private final Vocabulary vocabulary;
    private final InputEncoding encoding;

    public Sampler(ComputationGraph graph, Vocabulary vocabulary) {
        this.graph = graph;
        this.vocabulary = vocabulary;
        this.encoding = GraphFactory.encoding(graph).features();
    }

    /** Emits {@code o.length()} generated code points (not the prime) to {@code out}. */
    public void sample(int[] primeIndices, SamplingOptions o, IntConsumer out) {
        if (Stepper.supports(graph)) {
            Stepper stepper = new Stepper(graph); // the tight path: no ND4J call per character
            generate(primeIndices, o, out, indices -> {
                float[] p = null;
                for (int index : indices) p = stepper.step(index);
                return p;
            });
            return;
        }
        graph.rnnClearPreviousState(); // the general path (embedding input, DL4J's layers): rnnTimeStep
        try {
            generate(primeIndices, o, out, indices -> lastStep(graph.rnnTimeStep(encode(indices))[0]));
        } finally {
            graph.rnnClearPreviousState();
        }
    }

    /** Feeds characters to the network; returns the distribution of the one after the last. */
    private interface Feeder {
        float[] feed(int[] indices);
    }

    private void generate(int[] primeIndices, SamplingOptions o, IntConsumer out, Feeder network) {
        SplittableRandom random = new SplittableRandom(o.seed());
        float[] probs;
        if (primeIndices.length > 0) {
            probs = network.feed(primeIndices);
        } else {
            probs = new float[vocabulary.size()];
            java.util.Arrays.fill(probs, 1f / vocabulary.size()); // no prime: a uniform first character, as char-rnn
        }
        int[] one = new int[1];
        for (int i = 0; i < o.length(); i++) {
            int next = Distribution.draw(probs, o, random);
            out.accept(vocabulary.codePoint(next));
            if (i + 1 == o.length()) break;
            one[0] = next;
            probs = network.feed(one);
        }
    }

    private INDArray encode(int[] indices) {
        int len = indices.length;
        if (encoding == InputEncoding.INDEX) {
            float[] f = new float[len];
            for (int t = 0; t < len; t++) f[t] = indices[t];
            return Nd4j.create(f, new long[]{1, 1, len}, 'c').castTo(graph.params().dataType());
        }
        int v = vocabulary.size();
        float[] f = new float[v * len];
        for (int t = 0; t < len; t++) f[indices[t] * len + t] = 1f;
        return Nd4j.create(f, new long[]{1, v, len}, 'c').castTo(graph.params().dataType());
    }

    private static float[] lastStep(INDArray output) {
        long t = output.size(2) - 1;
        return output.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(t)).dup().toFloatVector();
    }
}
