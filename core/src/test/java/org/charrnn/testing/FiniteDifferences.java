package org.charrnn.testing;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/** Central-difference gradient check of a whole graph's score, per parameter key. */
public final class FiniteDifferences {
    private FiniteDifferences() {}

    /**
     * Per parameter, the relative error ‖a − n‖ / ‖n‖ between backprop's gradient a and the central
     * difference n (eps 1e-6, double precision). A norm, not an element-wise maximum: elements of
     * size 1e-6 carry ~1e-9 of rounding from the score itself and would drown the signal.
     * {@code beforeEachEvaluation} restores any state the forward pass consumes.
     */
    public static Map<String, Double> maxRelativeErrors(ComputationGraph graph, INDArray features, INDArray labels,
                                                 Runnable beforeEachEvaluation) {
        return relativeErrors(graph, features, labels, beforeEachEvaluation, 1e-6, k -> true);
    }

    /** The same check with step {@code eps} (larger for a float graph), for the parameter keys {@code which} accepts. */
    public static Map<String, Double> relativeErrors(ComputationGraph graph, INDArray features, INDArray labels,
                                                     Runnable beforeEachEvaluation, double eps,
                                                     java.util.function.Predicate<String> which) {
        beforeEachEvaluation.run();
        graph.setInput(0, features);
        graph.setLabel(0, labels);
        graph.computeGradientAndScore();
        Map<String, INDArray> analytic = new LinkedHashMap<>();
        graph.gradient().gradientForVariable().forEach((k, v) -> analytic.put(k, v.dup(v.ordering())));
        long batch = features.size(0);

        Map<String, Double> errors = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : analytic.entrySet()) {
            if (!which.test(e.getKey())) continue;
            INDArray param = graph.getParam(e.getKey()); // the live view: perturbing it perturbs the net
            INDArray grad = e.getValue();
            double diff2 = 0;
            double norm2 = 0;
            for (long i = 0; i < param.length(); i++) {
                long[] at = Shape.ind2subC(param.shape(), i);
                double original = param.getDouble(at);
                param.putScalar(at, original + eps);
                double plus = score(graph, features, labels, beforeEachEvaluation);
                param.putScalar(at, original - eps);
                double minus = score(graph, features, labels, beforeEachEvaluation);
                param.putScalar(at, original);
                double numeric = (plus - minus) / (2 * eps);
                // DL4J's gradient is the minibatch sum; the score (and the updater's step) divide by the batch.
                double a = grad.getDouble(at) / batch;
                diff2 += (a - numeric) * (a - numeric);
                norm2 += numeric * numeric;
            }
            errors.put(e.getKey(), Math.sqrt(diff2) / Math.max(Math.sqrt(norm2), 1e-12));
        }
        return errors;
    }

    private static double score(ComputationGraph graph, INDArray features, INDArray labels, Runnable before) {
        before.run();
        graph.setInput(0, features);
        graph.setLabel(0, labels);
        graph.computeGradientAndScore();
        return graph.score();
    }
}
