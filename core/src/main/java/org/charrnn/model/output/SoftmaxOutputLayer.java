package org.charrnn.model.output;

import org.charrnn.model.kernel.FloatArrays;
import org.charrnn.model.kernel.KernelChoice;
import org.charrnn.model.kernel.ReusableArray;
import org.charrnn.model.kernel.Gemm;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * {@link SoftmaxOutputConfig}'s computation. DL4J's RnnOutputLayer permutes its input to rows, computes the
 * logits and softmax in its backward pass, then computes them again for the score, and wants the
 * labels as a dense one-hot array [B, V, T] (21 MB a minibatch for 2,000 characters). Here, per
 * training step: the input's rows in time-major order (a view of the recurrent layer's buffer), logits as one GEMM, softmax in
 * place (one op), then one Java pass that reads p(next character) for the loss and turns p into
 * dL/dz = p − onehot in place; dW and dX one GEMM each, db one sum. The score DL4J asks for after
 * backprop is the loss already computed. Labels may be indices [B, 1, T] (what our iterator hands
 * out) or one-hot [B, V, T]. On the CPU in any precision; elsewhere (or with
 * {@code -Dcharrnn.kernel=reference}) DL4J's own computation runs, the reference this is tested against.
 */
public class SoftmaxOutputLayer extends RnnOutputLayer {
    /** DL4J's LossMCXENT clips probabilities to [ε, 1 − ε] before the log. */
    private static final double CLIP = 1e-10;

    private final boolean ours = KernelChoice.ours();
    private final ReusableArray rows = new ReusableArray();
    private final ReusableArray logits = new ReusableArray();
    private final ReusableArray inputGradientRows = new ReusableArray();
    /** The summed loss of the last training backward pass, for the score DL4J asks for next; NaN = none. */
    private double lossOfLastBackward = Double.NaN;
    /** The time-major input rows of the last {@link #forward}, [T·B, n]. */
    private INDArray lastRows;
    private INDArray labelsOfLastBackward;

    public SoftmaxOutputLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public void setLabels(INDArray labels) {
        super.setLabels(labels);
        lossOfLastBackward = Double.NaN;
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        super.setInput(input, workspaceMgr);
        lossOfLastBackward = Double.NaN;
    }

    @Override
    public void clear() {
        super.clear();
        lossOfLastBackward = Double.NaN;
        labelsOfLastBackward = null;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!ours) {
            useDenseLabels();
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        applyDropOutIfNecessary(true, workspaceMgr);
        long batch = input.size(0);
        long n = input.size(1);
        long time = input.size(2);
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray dW = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        INDArray db = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
        INDArray epsilonOut;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray z = forward(true); // now dL/dz per row
            gemm(lastRows, true, z, false, dW);
            z.sum(db, 0);
            INDArray dx = inputGradientRows.get(dataType, time * batch, n);
            gemm(z, false, w, true, dx);
            // NCW as a view of the time-major rows: the recurrent layer below reads it back without a copy.
            epsilonOut = dx.reshape('c', time, batch, n).permute(1, 2, 0);
        }
        labelsOfLastBackward = labels;
        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, dW);
        g.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, db);
        weightNoiseParams.clear();
        return new Pair<>(g, backpropDropOutIfPresent(epsilonOut));
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!ours) {
            useDenseLabels();
            return super.computeScore(fullNetRegTerm, training, workspaceMgr);
        }
        if (input == null || labels == null) throw new IllegalStateException("Cannot calculate score without input and labels " + layerId());
        double loss;
        if (training && !Double.isNaN(lossOfLastBackward) && labels == labelsOfLastBackward) {
            loss = lossOfLastBackward;
        } else {
            applyDropOutIfNecessary(training, workspaceMgr);
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                forward(false);
            }
            loss = lossOfLastBackward;
        }
        lossOfLastBackward = Double.NaN;
        if (conf().isMiniBatch()) loss /= input.size(0);
        this.score = loss + fullNetRegTerm;
        return score;
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        useDenseLabels();
        return super.computeScoreForExamples(fullNetRegTerm, workspaceMgr);
    }

    /**
     * Logits, softmax and the summed cross-entropy of the current input and labels (kept in
     * {@link #lossOfLastBackward}); returns the [T·B, V] rows, holding p, or dL/dz = p − onehot when
     * {@code gradient}. Rows are time-major: row t·B + b is stream b at step t.
     */
    private INDArray forward(boolean gradient) {
        long batch = input.size(0);
        long n = input.size(1);
        long time = input.size(2);
        int r = (int) (time * batch);
        int v = (int) layerConf().getNOut();
        // A view when the input is a recurrent layer's time-major output (training), else a copy.
        INDArray x = FloatArrays.timeMajor(input.castTo(dataType), rows).reshape('c', time * batch, n);
        lastRows = x;
        INDArray z = logits.get(dataType, r, v);
        gemm(x, false, getParam(DefaultParamInitializer.WEIGHT_KEY), false, z);
        if (dataType == DataType.FLOAT && (long) r * v <= SMALL) {
            softmaxInJava(z, getParam(DefaultParamInitializer.BIAS_KEY), r, v);
        } else {
            z.addiRowVector(getParam(DefaultParamInitializer.BIAS_KEY));
            Nd4j.exec(new SoftMax(z, z, 1));
        }
        int[] next = classes(batch, time, v);
        double loss = 0;
        if (dataType == DataType.FLOAT) {
            FloatBuffer p = FloatArrays.buffer(z);
            for (int i = 0; i < r; i++) {
                int at = i * v + next[i];
                float q = p.get(at);
                loss -= Math.log(Math.min(Math.max(q, CLIP), 1 - CLIP));
                if (gradient) p.put(at, q - 1f);
            }
        } else {
            DoubleBuffer p = z.data().asNioDouble().position((int) z.offset()).slice();
            for (int i = 0; i < r; i++) {
                int at = i * v + next[i];
                double q = p.get(at);
                loss -= Math.log(Math.min(Math.max(q, CLIP), 1 - CLIP));
                if (gradient) p.put(at, q - 1);
            }
        }
        lossOfLastBackward = loss;
        return z;
    }

    /**
     * Below this many logits a minibatch's softmax costs less in Java than ND4J's two ops (a bias
     * broadcast and a softmax, each a native call with its shape buffers): min-char-rnn's 25 × 65.
     */
    private static final long SMALL = 1 << 14;
    private float[] small;
    private float[] bias;

    /** z ← softmax(z + b) row by row, in place, for a small float minibatch. */
    private void softmaxInJava(INDArray z, INDArray b, int r, int v) {
        if (small == null || small.length != r * v) small = new float[r * v];
        if (bias == null || bias.length != v) bias = new float[v];
        FloatBuffer buf = FloatArrays.buffer(z);
        buf.get(0, small, 0, small.length);
        FloatArrays.read(b, bias, 0, v);
        for (int i = 0; i < r; i++) {
            int o = i * v;
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < v; k++) {
                small[o + k] += bias[k];
                max = Math.max(max, small[o + k]);
            }
            float sum = 0f;
            for (int k = 0; k < v; k++) {
                float e = (float) Math.exp(small[o + k] - max);
                small[o + k] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int k = 0; k < v; k++) small[o + k] *= inv;
        }
        buf.put(0, small, 0, small.length);
    }

    /** The next character of each time-major row, from index labels [B, 1, T] or one-hot labels [B, V, T]. */
    private int[] classes(long batch, long time, int v) {
        int[] next = new int[(int) (batch * time)];
        if (v == 1) return next;
        boolean oneHot = labels.size(1) == v;
        if (!oneHot && labels.size(1) != 1) {
            throw new IllegalArgumentException("labels of shape " + java.util.Arrays.toString(labels.shape())
                    + ": expected [batch, 1, time] indices or [batch, " + v + ", time] one-hot " + layerId());
        }
        INDArray index = oneHot ? labels.argMax(1) : labels.reshape(labels.size(0), labels.size(2));
        float[] flat = index.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) {
                float c = flat[(int) (b * time + t)];
                if (c < 0 || c >= v || c != Math.rint(c)) {
                    throw new IllegalArgumentException("label " + c + " is not a character index in [0, " + v + ") " + layerId());
                }
                next[(int) (t * batch + b)] = (int) c;
            }
        }
        return next;
    }

    /** DL4J's own computation (the reference) wants one-hot labels. */
    private void useDenseLabels() {
        long v = layerConf().getNOut();
        if (labels == null || (labels.size(1) == v && v > 1)) return;
        INDArray dense = Nd4j.zeros(labels.dataType(), labels.size(0), v, labels.size(2));
        if (v == 1) {
            dense.assign(1);
        } else {
            float[] idx = labels.castTo(DataType.FLOAT).dup('c').data().asFloat();
            long time = labels.size(2);
            for (int i = 0; i < idx.length; i++) dense.putScalar(new long[]{i / time, (long) idx[i], i % time}, 1.0);
        }
        super.setLabels(dense);
    }

    private void gemm(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c) {
        if (dataType == DataType.FLOAT) {
            // DL4J keeps W column-major: Gemm reads it as a transpose, without a copy.
            Gemm.multiply(a, transposeA, Gemm.readable(b), transposeB, c, 1f, 0f);
        } else {
            Nd4j.gemm(a, b, c, transposeA, transposeB, 1.0, 0.0);
        }
    }
}
