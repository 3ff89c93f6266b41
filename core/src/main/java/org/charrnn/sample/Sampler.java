package org.charrnn.sample;

import org.charrnn.data.InputEncoding;
import org.charrnn.data.Vocabulary;
import org.charrnn.model.GraphFactory;
import org.charrnn.model.Stepper;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Generates text one character at a time, as char-rnn's sample.lua: the prime is fed through the
 * network in one pass, then each drawn character is fed back in. With no prime the first character
 * is drawn uniformly, as char-rnn does. One sampler serves any number of generations at once: each
 * {@link Generation} has its own recurrent state (over shared weights on the fast path, over its own
 * copy of the network on the general one).
 */
public final class Sampler {
    private final ComputationGraph graph;
    private final Vocabulary vocabulary;
    private final InputEncoding encoding;
    private final Stepper weights; // null when the graph needs DL4J's rnnTimeStep

    public Sampler(ComputationGraph graph, Vocabulary vocabulary) {
        this(graph, vocabulary, Stepper.supports(graph) ? new Stepper(graph) : null);
    }

    /** A sampler stepping {@code weights} (the graph's, shared with its other users), or the graph itself when null. */
    public Sampler(ComputationGraph graph, Vocabulary vocabulary, Stepper weights) {
        this.graph = graph;
        this.vocabulary = vocabulary;
        this.encoding = GraphFactory.encoding(graph).features();
        this.weights = weights;
    }

    /** Emits {@code o.length()} generated code points (not the prime) to {@code out}. */
    public void sample(int[] primeIndices, SamplingOptions o, IntConsumer out) {
        Generation g = start(primeIndices, o);
        while (g.hasNext()) out.accept(g.nextCodePoint());
    }

    /** A generation ready to draw its first character; the prime has been fed. Not thread-safe itself. */
    public Generation start(int[] primeIndices, SamplingOptions o) {
        if (o.beam() > 0) return new Generation(beamSearch(primeIndices, o), o);
        Feeder network = weights != null ? stepperFeeder(weights.fresh()) : timeStepFeeder(graph.clone());
        return new Generation(network, primeIndices, o);
    }

    /**
     * The continuation a beam search finds. With no prime the first character is drawn uniformly
     * with the seed, as a sample's is, and the search continues from it.
     */
    private int[] beamSearch(int[] prime, SamplingOptions o) {
        int[] head = {};
        int[] context = prime;
        if (prime.length == 0 && o.length() > 0) {
            float[] uniform = new float[vocabulary.size()];
            Arrays.fill(uniform, 1f / vocabulary.size());
            head = new int[]{Distribution.draw(uniform, new SamplingOptions(1, 1.0, 0, false, o.seed()), new SplittableRandom(o.seed()))};
            context = head;
        }
        int remaining = o.length() - head.length;
        if (remaining <= 0) return Arrays.copyOf(head, o.length());
        BeamSearch.Beams beams = weights != null ? new StepperBeams(weights, o.beam(), context)
                : new GraphBeams(graph.clone(), o.beam(), context);
        int[] tail = BeamSearch.search(beams, beams.first(), o.beam(), remaining);
        int[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    /** K steppers over the shared weights: the fast path. */
    private static final class StepperBeams implements BeamSearch.Beams {
        private final Stepper[] beams;
        private final float[][] probs;
        private final float[] first;

        StepperBeams(Stepper weights, int k, int[] context) {
            beams = new Stepper[k];
            probs = new float[k][];
            for (int i = 0; i < k; i++) beams[i] = weights.fresh();
            float[] p = null;
            for (int c : context) p = beams[0].step(c);
            first = p.clone();
            float[][] state = beams[0].saveState();
            for (int i = 1; i < k; i++) beams[i].restoreState(state);
        }

        @Override
        public float[] first() {
            return first;
        }

        @Override
        public float[][] step(int[] chars) {
            for (int i = 0; i < beams.length; i++) probs[i] = beams[i].step(chars[i]);
            return probs;
        }

        @Override
        public void reorder(int[] parents) {
            float[][][] states = new float[beams.length][][];
            for (int i = 0; i < beams.length; i++) states[i] = beams[parents[i]].saveState();
            for (int i = 0; i < beams.length; i++) beams[i].restoreState(states[i]);
        }
    }

    /** The general path: the K beams as a minibatch of DL4J's rnnTimeStep, state rows reordered between steps. */
    private final class GraphBeams implements BeamSearch.Beams {
        private final ComputationGraph own;
        private final int k;
        private final float[] first;

        GraphBeams(ComputationGraph own, int k, int[] context) {
            this.own = own;
            this.k = k;
            own.rnnClearPreviousState();
            first = lastStep(own.rnnTimeStep(encode(context, own))[0]);
            reorder(new int[k]); // the context's one state row, K times
        }

        @Override
        public float[] first() {
            return first;
        }

        @Override
        public float[][] step(int[] chars) {
            int v = vocabulary.size();
            float[] f = new float[encoding == InputEncoding.INDEX ? k : k * v];
            for (int i = 0; i < k; i++) {
                if (encoding == InputEncoding.INDEX) f[i] = chars[i];
                else f[i * v + chars[i]] = 1f;
            }
            INDArray x = Nd4j.create(f, new long[]{k, encoding == InputEncoding.INDEX ? 1 : v, 1}, 'c').castTo(own.params().dataType());
            INDArray out = own.rnnTimeStep(x)[0];
            float[][] probs = new float[k][];
            for (int i = 0; i < k; i++) {
                probs[i] = out.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.point(0)).dup().toFloatVector();
            }
            return probs;
        }

        @Override
        public void reorder(int[] parents) {
            long[] rows = Arrays.stream(parents).asLongStream().toArray();
            for (String layer : own.getConfiguration().getTopologicalOrderStr()) {
                java.util.Map<String, INDArray> state = own.getVertex(layer).hasLayer() ? own.rnnGetPreviousState(layer) : null;
                if (state == null || state.isEmpty()) continue;
                java.util.Map<String, INDArray> picked = new java.util.HashMap<>();
                state.forEach((key, a) -> picked.put(key, a.get(NDArrayIndex.indices(rows), NDArrayIndex.all()).dup()));
                own.rnnSetPreviousState(layer, picked);
            }
        }
    }

    /** Feeds characters to the network; returns the distribution of the one after the last. */
    private interface Feeder {
        float[] feed(int[] indices);
    }

    /** The tight path: no ND4J call per character. */
    private static Feeder stepperFeeder(Stepper stepper) {
        return indices -> {
            float[] p = null;
            for (int index : indices) p = stepper.step(index);
            return p;
        };
    }

    /** The general path (embedding input, DL4J's layers): rnnTimeStep on this generation's own copy. */
    private Feeder timeStepFeeder(ComputationGraph own) {
        own.rnnClearPreviousState();
        return indices -> lastStep(own.rnnTimeStep(encode(indices, own))[0]);
    }

    /** The characters of one sample, drawn on demand. */
    public final class Generation {
        private final Feeder network;
        private final SamplingOptions options;
        private final SplittableRandom random;
        private final int[] one = new int[1];
        private final int[] planned; // a beam search's whole answer, or null when drawing
        private float[] probs;
        private int drawn;

        private Generation(int[] planned, SamplingOptions o) {
            this.network = null;
            this.options = o;
            this.random = null;
            this.planned = planned;
        }

        private Generation(Feeder network, int[] primeIndices, SamplingOptions o) {
            this.network = network;
            this.options = o;
            this.random = new SplittableRandom(o.seed());
            this.planned = null;
            if (primeIndices.length > 0) {
                probs = network.feed(primeIndices);
            } else {
                probs = new float[vocabulary.size()];
                Arrays.fill(probs, 1f / vocabulary.size()); // no prime: a uniform first character, as char-rnn
            }
        }

        public boolean hasNext() {
            return drawn < options.length();
        }

        /** The next generated character's code point. */
        public int nextCodePoint() {
            if (!hasNext()) throw new java.util.NoSuchElementException("all " + options.length() + " characters were drawn");
            if (planned != null) return vocabulary.codePoint(planned[drawn++]);
            if (drawn > 0) probs = network.feed(one);
            int next = Distribution.draw(probs, options, random);
            one[0] = next;
            drawn++;
            return vocabulary.codePoint(next);
        }
    }

    private INDArray encode(int[] indices, ComputationGraph own) {
        int len = indices.length;
        if (encoding == InputEncoding.INDEX) {
            float[] f = new float[len];
            for (int t = 0; t < len; t++) f[t] = indices[t];
            return Nd4j.create(f, new long[]{1, 1, len}, 'c').castTo(own.params().dataType());
        }
        int v = vocabulary.size();
        float[] f = new float[v * len];
        for (int t = 0; t < len; t++) f[indices[t] * len + t] = 1f;
        return Nd4j.create(f, new long[]{1, v, len}, 'c').castTo(own.params().dataType());
    }

    private static float[] lastStep(INDArray output) {
        long t = output.size(2) - 1;
        return output.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(t)).dup().toFloatVector();
    }
}
