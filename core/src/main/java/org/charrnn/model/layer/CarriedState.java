package org.charrnn.model.layer;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The hidden state carried from one minibatch to the next, char-rnn's {@code init_state_global}:
 * truncated BPTT's memory across segments. Its whole life, in the order the trainer drives it:
 * <ol>
 *   <li>{@link #restore} at the start of a session: a resumed run continues from the state saved
 *   with its checkpoint (a fresh one from zeros);</li>
 *   <li>each of our recurrent layers starts its training forward pass from its part of the state
 *   ({@link RecurrentLayer}) and keeps where it ended as pending;</li>
 *   <li>{@link #advance} after the update: the pending state becomes the next minibatch's start
 *   (so scoring, gradient checks and validation, which run no update, never disturb it);</li>
 *   <li>{@link #reset} when the streams start over at an epoch's end;</li>
 *   <li>{@link #snapshot} into every checkpoint's training state.</li>
 * </ol>
 * Stream s of minibatch k+1 continues stream s of minibatch k because the data layout says so
 * ({@code data.StreamLayout}). DL4J's stock layers carry nothing (their gradients would be wrong
 * across segments): for them every call here does nothing.
 */
public final class CarriedState {
    /**
     * One layer's state as plain numbers: h (and c, an LSTM's cell state; null for other cells),
     * each [batch, size] in row-major order. Serializable: a distributed run sends each worker its rows.
     */
    public record Layer(int batch, int size, float[] h, float[] c) implements java.io.Serializable {
        /** Rows [from, to) of this state: the streams one worker owns. */
        public Layer rows(int from, int to) {
            return new Layer(to - from, size, Arrays.copyOfRange(h, from * size, to * size),
                    c == null ? null : Arrays.copyOfRange(c, from * size, to * size));
        }

        /** These rows followed by {@code next}'s: the state of streams split among workers, put back together. */
        public Layer then(Layer next) {
            if (next.size != size || (next.c == null) != (c == null)) throw new IllegalArgumentException("states of different layers");
            return new Layer(batch + next.batch, size, concat(h, next.h), c == null ? null : concat(c, next.c));
        }

        private static float[] concat(float[] a, float[] b) {
            float[] r = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, r, a.length, b.length);
            return r;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Layer a && batch == a.batch && size == a.size && Arrays.equals(h, a.h) && Arrays.equals(c, a.c);
        }

        @Override
        public int hashCode() {
            return Objects.hash(batch, size, Arrays.hashCode(h), Arrays.hashCode(c));
        }

        @Override
        public String toString() {
            return "CarriedState.Layer[batch=" + batch + ", size=" + size + (c == null ? ", h]" : ", h, c]");
        }
    }

    private final Map<String, RecurrentLayer> layers = new LinkedHashMap<>();

    private CarriedState(ComputationGraph graph) {
        for (org.deeplearning4j.nn.api.Layer l : graph.getLayers()) {
            if (l instanceof RecurrentLayer r) layers.put(r.getConfig().getLayerName(), r);
        }
    }

    /** The carried state of a graph's recurrent layers. */
    public static CarriedState of(ComputationGraph graph) {
        return new CarriedState(graph);
    }

    /** After an update: the next minibatch starts where this one ended. */
    public void advance() {
        for (RecurrentLayer l : layers.values()) l.commitCarriedState();
    }

    /** The streams start over, from zero state (a new epoch). */
    public void reset() {
        for (RecurrentLayer l : layers.values()) l.clearCarriedState();
    }

    /** Layer name → its state, for a checkpoint; empty when the next minibatch starts from zeros. */
    public Map<String, Layer> snapshot() {
        Map<String, Layer> m = new LinkedHashMap<>();
        layers.forEach((name, l) -> {
            INDArray[] s = l.carriedState();
            if (s != null) m.put(name, new Layer((int) s[0].size(0), (int) s[0].size(1), floats(s[0]), s.length > 1 ? floats(s[1]) : null));
        });
        return m;
    }

    /** Sets the state a checkpoint saved (layers it does not name start from zeros). */
    public void restore(Map<String, Layer> saved) {
        check(saved);
        reset();
        saved.forEach((name, s) -> {
            INDArray h = array(s.h(), s.batch(), s.size());
            layers.get(name).setCarriedState(s.c() == null ? new INDArray[]{h} : new INDArray[]{h, array(s.c(), s.batch(), s.size())});
        });
    }

    /** Throws IllegalArgumentException, naming the layer, when {@code saved} does not fit these layers. */
    public void check(Map<String, Layer> saved) {
        for (Map.Entry<String, Layer> e : saved.entrySet()) {
            RecurrentLayer l = layers.get(e.getKey());
            Layer s = e.getValue();
            if (l == null) throw new IllegalArgumentException("there is no recurrent layer of ours named '" + e.getKey() + "'");
            String[] names = l.cell().stateNames();
            List<float[]> arrays = new ArrayList<>();
            if (s == null || s.h() == null) throw new IllegalArgumentException("the state of '" + e.getKey() + "' has no h");
            arrays.add(s.h());
            if (s.c() != null) arrays.add(s.c());
            if (arrays.size() != names.length) {
                throw new IllegalArgumentException("a " + l.cell().cellName() + " layer carries " + String.join(" and ", names)
                        + ", but the state of '" + e.getKey() + "' has " + arrays.size() + " array" + (arrays.size() == 1 ? "" : "s"));
            }
            if (s.batch() < 1 || s.size() != l.cell().getNOut()) {
                throw new IllegalArgumentException("the state of '" + e.getKey() + "' is [" + s.batch() + ", " + s.size()
                        + "], the layer has " + l.cell().getNOut() + " units");
            }
            for (float[] a : arrays) {
                if (a.length != (long) s.batch() * s.size()) {
                    throw new IllegalArgumentException("the state of '" + e.getKey() + "' holds " + a.length + " values, expected "
                            + (long) s.batch() * s.size());
                }
            }
        }
    }

    private static float[] floats(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    private static INDArray array(float[] v, int batch, int size) {
        return Nd4j.create(v.clone(), new long[]{batch, size}, 'c');
    }
}
