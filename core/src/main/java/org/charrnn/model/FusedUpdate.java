package org.charrnn.model;

import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.AdaGradUpdater;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.RmsPropUpdater;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.charrnn.model.kernel.FloatArrays.buffer;

/**
 * What DL4J's updater and step function do after backprop, as one pass over the parameters in Java:
 * per element, the gradient divided by the minibatch size, clipped to ±threshold (char-rnn's
 * grad_clip), turned into an update by the optimizer's rule (SGD, RMSProp, Adam, Adagrad, in
 * libnd4j's arithmetic), and subtracted from the weight. DL4J makes each of those a separate native
 * op over all the parameters, each paying for ND4J's thread pool. The optimizer state stays in
 * DL4J's updater state arrays, so checkpoints, resume and a later {@code fit} are unchanged.
 * Each layer clips by its own setting, as DL4J does. Only float graphs without regularization,
 * constraints or batch normalization.
 */
final class FusedUpdate {
    private static final int CHUNK = 2048;

    /** A layer's parameters [from, to) in the flattened array and its clipping threshold (+∞: none). */
    private record Span(int from, int to, float clip) {}

    private final List<Span> spans;
    private final float[] g = new float[CHUNK];
    private final float[] p = new float[CHUNK];
    private final float[] s = new float[CHUNK];
    private final float[] t = new float[CHUNK];

    private FusedUpdate(List<Span> spans) {
        this.spans = List.copyOf(spans);
    }

    /** The fused update for this graph, or null when it has something this does not do (then DL4J's fit runs). */
    static FusedUpdate of(ComputationGraph graph) {
        if (graph.params().dataType() != DataType.FLOAT || !graph.getConfiguration().getDefaultConfiguration().isMiniBatch()) {
            return null;
        }
        List<Span> spans = new ArrayList<>();
        for (GraphVertex v : graph.getVertices()) {
            if (!v.hasLayer() || v.getLayer().numParams() == 0) continue;
            TrainingConfig c = v.getLayer().getConfig();
            var constraints = v.getLayer().conf().getLayer().getConstraints();
            // BatchNormalization's "gradients" of its statistics are not divided by the minibatch; constraints run after the step.
            if (c instanceof BatchNormalization || constraints != null && !constraints.isEmpty()) return null;
            for (String param : v.getLayer().paramTable().keySet()) {
                List<?> r = c.getRegularizationByParam(param);
                if (r != null && !r.isEmpty()) return null;
                if (!supported(c.getUpdaterByParam(param))) return null;
            }
            GradientNormalization n = c.getGradientNormalization();
            float clip;
            if (n == null || n == GradientNormalization.None) {
                clip = Float.POSITIVE_INFINITY;
            } else if (n == GradientNormalization.ClipElementWiseAbsoluteValue) {
                clip = (float) c.getGradientNormalizationThreshold();
            } else {
                return null;
            }
            long from = elementOffset(v.getLayer().params(), graph.params());
            spans.add(new Span((int) from, (int) (from + v.getLayer().numParams()), clip));
        }
        spans.sort(java.util.Comparator.comparingInt(Span::from));
        int covered = 0;
        for (Span span : spans) {
            if (span.from() != covered) return null;
            covered = span.to();
        }
        return covered == graph.numParams() ? new FusedUpdate(spans) : null;
    }

    /** Where a view's first element lies in {@code whole}, in elements. */
    private static long elementOffset(INDArray view, INDArray whole) {
        return (start(view) - start(whole)) / Float.BYTES;
    }

    /** The address of a view's first element (its buffer's pointer already points at the buffer's offset). */
    private static long start(INDArray a) {
        return a.data().addressPointer().address() + (a.offset() - a.data().offset()) * Float.BYTES;
    }

    private static boolean supported(IUpdater u) {
        return u instanceof Sgd || u instanceof RmsProp || u instanceof Adam || u instanceof AdaGrad;
    }

    /**
     * Applies the update for the gradient backprop left in the graph's flattened gradients, as
     * DL4J's updater would at this iteration and epoch, then moves the weights by it.
     */
    void apply(ComputationGraph graph, int batchSize, int iteration, int epoch) {
        // Fetched anew each time: setLearningRate replaces DL4J's updater and its state arrays.
        ComputationGraphUpdater updater = graph.getUpdater();
        FloatBuffer params = buffer(graph.params());
        FloatBuffer grads = buffer(graph.getFlattenedGradients());
        for (UpdaterBlock block : updater.getUpdaterBlocks()) {
            IUpdater config = block.getGradientUpdater().getConfig();
            float lr = (float) config.getLearningRate(iteration, epoch);
            @SuppressWarnings("unchecked") // UpdaterBlock hands out a raw GradientUpdater
            Map<String, INDArray> state = block.getGradientUpdater().getState();
            int base = (int) block.getParamOffsetStart();
            int end = (int) block.getParamOffsetEnd();
            for (Span span : spans) {
                int from = Math.max(base, span.from());
                int to = Math.min(end, span.to());
                if (from >= to) continue;
                Range range = new Range(from, to, base, batchSize, span.clip());
                if (config instanceof RmsProp r) {
                    float decay = (float) r.getRmsDecay();
                    squareAverage(params, grads, buffer(state.get(RmsPropUpdater.G_STATE)), range, lr, decay, 1 - decay,
                            (float) r.getEpsilon());
                } else if (config instanceof Adam a) {
                    adam(params, grads, buffer(state.get(AdamUpdater.M_STATE)), buffer(state.get(AdamUpdater.V_STATE)), range,
                            lr, (float) a.getBeta1(), (float) a.getBeta2(), (float) a.getEpsilon(), iteration);
                } else if (config instanceof AdaGrad a) {
                    squareAverage(params, grads, buffer(state.get(AdaGradUpdater.GRAD_STATE)), range, lr, 1, 1,
                            (float) a.getEpsilon());
                } else if (config instanceof Sgd) {
                    sgd(params, grads, range, lr);
                } else {
                    throw new IllegalStateException("no fused update for " + config.getClass().getSimpleName());
                }
            }
        }
    }

    /** Parameters [from, to) of one updater block (its state starts at {@code base}), one layer's clipping. */
    private record Range(int from, int to, int base, int batchSize, float clip) {}

    /** g ← clip(g / batch) for the chunk at {@code at}: DL4J's divideByMinibatch, then its clipbyvalue. */
    private int gradient(FloatBuffer grads, int at, Range r) {
        int n = Math.min(CHUNK, r.to() - at);
        grads.get(at, g, 0, n);
        float b = r.batchSize();
        float hi = r.clip();
        float lo = -hi;
        for (int k = 0; k < n; k++) {
            float x = g[k] / b;
            g[k] = x < lo ? lo : (x > hi ? hi : x);
        }
        return n;
    }

    /**
     * RMSProp (s ← decay·s + keep·g², keep = 1 − decay) and Adagrad (decay = keep = 1: s ← s + g², the
     * same floats, as multiplying by 1 is exact); then w ← w − lr·g / (√s + ε).
     */
    private void squareAverage(FloatBuffer params, FloatBuffer grads, FloatBuffer squares, Range r, float lr, float decay,
                               float keep, float eps) {
        for (int at = r.from(); at < r.to(); at += CHUNK) {
            int n = gradient(grads, at, r);
            params.get(at, p, 0, n);
            squares.get(at - r.base(), s, 0, n);
            for (int k = 0; k < n; k++) {
                float gk = g[k];
                float st = s[k] * decay + gk * gk * keep;
                s[k] = st;
                p[k] -= (gk * lr) / ((float) Math.sqrt(st) + eps);
            }
            params.put(at, p, 0, n);
            squares.put(at - r.base(), s, 0, n);
        }
    }

    private void adam(FloatBuffer params, FloatBuffer grads, FloatBuffer m, FloatBuffer v, Range r, float lr, float beta1,
                      float beta2, float eps, int iteration) {
        float beta1T = (float) Math.pow(beta1, iteration + 1);
        float beta2T = (float) Math.pow(beta2, iteration + 1);
        float step = (float) (lr * Math.sqrt(1.0 - beta2T) / (1.0 - beta1T));
        if (!Float.isFinite(step) || step == 0) step = eps;
        float keep1 = 1 - beta1;
        float keep2 = 1 - beta2;
        for (int at = r.from(); at < r.to(); at += CHUNK) {
            int n = gradient(grads, at, r);
            params.get(at, p, 0, n);
            m.get(at - r.base(), s, 0, n);
            v.get(at - r.base(), t, 0, n);
            for (int k = 0; k < n; k++) {
                float gk = g[k];
                float mk = beta1 * s[k] + gk * keep1;
                float vk = beta2 * t[k] + gk * gk * keep2;
                s[k] = mk;
                t[k] = vk;
                p[k] -= (mk * step) / ((float) Math.sqrt(vk) + eps);
            }
            params.put(at, p, 0, n);
            m.put(at - r.base(), s, 0, n);
            v.put(at - r.base(), t, 0, n);
        }
    }

    private void sgd(FloatBuffer params, FloatBuffer grads, Range r, float lr) {
        for (int at = r.from(); at < r.to(); at += CHUNK) {
            int n = gradient(grads, at, r);
            params.get(at, p, 0, n);
            for (int k = 0; k < n; k++) p[k] -= g[k] * lr;
            params.put(at, p, 0, n);
        }
    }
}
