package org.charrnn.model.layer;

import org.charrnn.model.kernel.FloatArrays;
import org.charrnn.model.kernel.RecurrentKernel;
import org.charrnn.model.kernel.ReusableArray;
import org.charrnn.model.kernel.TrainingKernel;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * The DL4J layer behind every {@link RecurrentLayerConfig} cell. Unlike DL4J's stock recurrent layers it
 * trains with truncated BPTT across minibatches the way char-rnn does, with exact gradients:
 * <ul>
 *   <li>a training forward pass starts from the <em>carried</em> state (the state the previous
 *   minibatch of the same streams ended in), treated as a constant input;</li>
 *   <li>the backward pass differentiates exactly that forward pass (DL4J's stock LSTM recomputes
 *   its forward from zero state and so mixes two different forwards);</li>
 *   <li>the carried state advances only when the trainer says so ({@link #commitCarriedState()}),
 *   so scoring, gradient checks and validation never disturb it.</li>
 * </ul>
 * {@code rnnTimeStep} (validation, sampling) keeps its own state in DL4J's stateMap, as usual.
 * Input and output are NCW [batch, features, time]; the cell's {@link RecurrentKernel} works
 * time-major [time, batch, features], in buffers reused from minibatch to minibatch. In training,
 * the NCW arrays passed between our layers (activations up, gradients down) are permuted views of
 * those time-major buffers, so a layer boundary costs no copy. A first layer
 * reading the network's input ({@link RecurrentLayerConfig#isBackpropToInput()} false) returns no input
 * gradient, as DL4J's embedding layers do.
 */
public class RecurrentLayer extends BaseRecurrentLayer<RecurrentLayerConfig> {
    /** Training keeps its activations in its kernel's buffers for backprop; inference must not touch them. */
    private RecurrentKernel trainingKernel;
    /**
     * Inference kernels by segment length, the two used last: a validation's long segments and its
     * shorter last one each keep their buffers instead of reallocating them at every switch.
     */
    private RecurrentKernel inferenceKernel;
    private long inferenceTime = -1;
    private RecurrentKernel otherInferenceKernel;
    private long otherInferenceTime = -1;

    /** Time-major copies, reused from minibatch to minibatch (training and inference apart). */
    private final ReusableArray trainingInput = new ReusableArray();
    private final ReusableArray trainingOutput = new ReusableArray();
    private final ReusableArray inferenceInput = new ReusableArray();
    private final ReusableArray inferenceOutput = new ReusableArray();
    private final ReusableArray outputGradient = new ReusableArray();
    private final ReusableArray inputGradient = new ReusableArray();

    /** The state the next training minibatch starts from; null = zeros. */
    private INDArray[] carried;

    /**
     * Where training forwards write the state they end in: two sets, used in turn, so that the one a
     * forward starts from (the last one's end, carried) is never the one it writes; and the zeros a
     * stream starts from. Allocated once per shape instead of per minibatch.
     */
    private final INDArray[][] endStates = new INDArray[2][];
    private INDArray zeros;
    /** The kernels' b as views of the parameters and of the gradients, made once per array they view. */
    private INDArray biasView;
    private INDArray biasViewOf;
    private INDArray biasGradientView;
    private INDArray biasGradientViewOf;

    /** What the last training forward saw and produced, for its backward pass and for commit. */
    private INDArray lastX;
    private INDArray[] lastState0;
    private INDArray[] pending;

    public RecurrentLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** The cell this layer computes (its config). */
    public RecurrentLayerConfig cell() {
        return layerConf();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        if (!training) return forward(null, false, workspaceMgr).activations;
        boolean fits = carried != null && carried[0].size(0) == input.size(0);
        return forward(fits ? carried : null, true, workspaceMgr).activations;
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        Step s = forward(stored(stateMap), false, workspaceMgr);
        store(stateMap, s.last);
        return s.activations;
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
                                                LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        applyDropOutIfNecessary(training, workspaceMgr);
        Step s = forward(stored(tBpttStateMap), training, workspaceMgr);
        if (storeLastForTBPTT) store(tBpttStateMap, s.last);
        return s.activations;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (lastX == null) throw new IllegalStateException("backprop without a training forward pass " + layerId());
        boolean wantInputGradient = layerConf().isBackpropToInput();
        INDArray dLdh = FloatArrays.timeMajor(epsilon.castTo(dataType), outputGradient);
        INDArray dx = wantInputGradient ? inputGradient.get(dataType, lastX.shape()) : null;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            // The kernel writes straight into the flattened gradient's views (C-order, contiguous).
            trainingKernel().backward(lastX, weight(RecurrentParams.INPUT_WEIGHTS), weight(RecurrentParams.RECURRENT_WEIGHTS),
                    bias(), lastState0, dLdh, dx, gradientViews.get(RecurrentParams.INPUT_WEIGHTS),
                    gradientViews.get(RecurrentParams.RECURRENT_WEIGHTS), biasGradient());
        }
        Gradient g = new DefaultGradient(gradientsFlattened);
        for (String key : RecurrentParams.getInstance().paramKeys(layerConf())) {
            g.gradientForVariable().put(key, gradientViews.get(key));
        }
        if (dx == null) {
            // The input is the network's data: no gradient for it, as DL4J's own embedding layers do.
            return new Pair<>(g, null);
        }
        // NCW as a view of the time-major gradient: the layer below reads it back without a copy.
        return new Pair<>(g, backpropDropOutIfPresent(dx.permute(1, 2, 0)));
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength,
                                                          LayerWorkspaceMgr workspaceMgr) {
        return backpropGradient(epsilon, workspaceMgr);
    }

    /** Makes the state the last training forward pass ended in the start of the next one. */
    public void commitCarriedState() {
        carried = pending;
    }

    public void clearCarriedState() {
        carried = null;
        pending = null;
    }

    /** The cell's state arrays ({h} or {h, c}), each [batch, n], or null when the next minibatch starts from zeros. */
    public INDArray[] carriedState() {
        if (carried == null) return null;
        INDArray[] copy = new INDArray[carried.length];
        for (int i = 0; i < copy.length; i++) copy[i] = carried[i].dup();
        return copy;
    }

    public void setCarriedState(INDArray[] state) {
        String[] names = layerConf().stateNames();
        if (state.length != names.length) {
            throw new IllegalArgumentException("a " + layerConf().cellName() + " layer carries " + names.length
                    + " state arrays (" + String.join(", ", names) + "), got " + state.length);
        }
        long batch = state[0].size(0);
        INDArray[] copy = new INDArray[state.length];
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            for (int i = 0; i < copy.length; i++) {
                if (state[i].rank() != 2 || state[i].size(0) != batch || state[i].size(1) != layerConf().getNOut()) {
                    throw new IllegalArgumentException("carried state " + names[i] + " has shape "
                            + java.util.Arrays.toString(state[i].shape()) + ", expected [" + batch + ", " + layerConf().getNOut() + "]");
                }
                copy[i] = state[i].castTo(dataType).dup('c');
            }
        }
        carried = copy;
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public Gradient gradient() {
        throw new UnsupportedOperationException("layerwise pretraining is not supported " + layerId());
    }

    private record Step(INDArray activations, INDArray[] last) {}

    /** Runs the kernel from state0 (null = zeros); for training, keeps what backprop and commit need. */
    private Step forward(INDArray[] state0, boolean training, LayerWorkspaceMgr workspaceMgr) {
        long batch = input.size(0);
        long time = input.size(2);
        long n = layerConf().getNOut();
        int states = layerConf().stateNames().length;
        INDArray h;
        INDArray[] last = new INDArray[states];
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            RecurrentKernel kernel = training ? trainingKernel() : inferenceKernel();
            INDArray x = timeMajorInput(training ? trainingInput : inferenceInput, kernel);
            INDArray[] init = new INDArray[states];
            if (training) last = endStateBuffers(state0, batch, n, states);
            for (int i = 0; i < states; i++) {
                init[i] = state0 != null ? state0[i] : training ? zeros(batch, n) : Nd4j.zeros(dataType, batch, n);
                if (!training) last[i] = Nd4j.createUninitialized(dataType, batch, n);
            }
            h = (training ? trainingOutput : inferenceOutput).get(dataType, time, batch, n);
            kernel.forward(x, weight(RecurrentParams.INPUT_WEIGHTS),
                    weight(RecurrentParams.RECURRENT_WEIGHTS), bias(), init, h, last);
            if (training) {
                lastX = x;
                lastState0 = init;
                pending = last;
            }
        }
        if (training) {
            // NCW as a view of the time-major output, which the layer above reads back without a copy;
            // the buffer lives until the next training forward, past this step's backward pass.
            return new Step(h.permute(1, 2, 0), last);
        }
        // Inference hands out its own array: a caller may keep several outputs (feedForward, trace).
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[]{batch, n, time}, 'c');
        out.assign(h.permute(1, 2, 0));
        return new Step(out, last);
    }

    /**
     * The input as time-major [T, B, width]. Characters given as indices [B, 1, T] stay indices for a
     * kernel that takes them; any other kernel gets one-hot rows [T, B, V].
     */
    private INDArray timeMajorInput(ReusableArray buffer, RecurrentKernel kernel) {
        long batch = input.size(0);
        long time = input.size(2);
        long nIn = layerConf().getNIn();
        boolean asGiven = !layerConf().isReadsIndices() || input.size(1) != 1 || kernel.acceptsIndices() && nIn > 1;
        if (asGiven) return FloatArrays.timeMajor(input.castTo(dataType), buffer);
        INDArray x = buffer.get(dataType, time, batch, nIn).assign(0);
        float[] codes = input.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) x.putScalar(t, b, (long) codes[(int) (b * time + t)], 1.0);
        }
        return x;
    }

    /** The set of end-state arrays that {@code state0} is not (a forward must not write what it reads). */
    private INDArray[] endStateBuffers(INDArray[] state0, long batch, long n, int states) {
        for (int k = 0; k < 2; k++) {
            INDArray[] set = endStates[k];
            if (set == null || set[0].size(0) != batch || set[0].size(1) != n || set[0].dataType() != dataType) {
                set = new INDArray[states];
                for (int i = 0; i < states; i++) set[i] = Nd4j.createUninitialized(dataType, batch, n);
                endStates[k] = set;
            }
        }
        return state0 == endStates[0] ? endStates[1] : endStates[0];
    }

    /** Zeros [batch, n], which no kernel writes. */
    private INDArray zeros(long batch, long n) {
        if (zeros == null || zeros.size(0) != batch || zeros.size(1) != n || zeros.dataType() != dataType) {
            zeros = Nd4j.zeros(dataType, batch, n);
        }
        return zeros;
    }

    private INDArray[] stored(Map<String, INDArray> map) {
        String[] names = layerConf().stateNames();
        if (!map.containsKey(names[0])) return null;
        INDArray[] s = new INDArray[names.length];
        for (int i = 0; i < names.length; i++) s[i] = map.get(names[i]);
        return s;
    }

    private void store(Map<String, INDArray> map, INDArray[] state) {
        String[] names = layerConf().stateNames();
        for (int i = 0; i < names.length; i++) map.put(names[i], state[i]);
    }

    private RecurrentKernel trainingKernel() {
        if (trainingKernel == null) trainingKernel = layerConf().newKernel(dataType, true);
        if (trainingKernel instanceof TrainingKernel k) k.float32Pass(false);
        return trainingKernel;
    }

    /**
     * The kernel an inference pass runs on: the training kernel itself, in float32 products, when the
     * pass has the training segment's shape (a validation between updates, when its buffers hold
     * nothing the next update needs: a backward after it would differentiate the wrong forward, so it
     * is refused), every segment of it, not only the first — a second set of the segment's buffers was a
     * third of a wide model's memory — else one of the two kept by segment length.
     */
    private RecurrentKernel inferenceKernel() {
        long time = input.size(2);
        if (trainingKernel instanceof TrainingKernel shared && shared.isSizedFor(time, input.size(0))) {
            lastX = null; // the training forward's activations are gone: no backward until the next one
            shared.float32Pass(true);
            return trainingKernel;
        }
        if (inferenceKernel != null && inferenceTime == time) return inferenceKernel;
        RecurrentKernel k = otherInferenceTime == time ? otherInferenceKernel : null;
        if (k == null) k = layerConf().newKernel(dataType, false);
        otherInferenceKernel = inferenceKernel;
        otherInferenceTime = inferenceTime;
        inferenceKernel = k;
        inferenceTime = time;
        return k;
    }

    private INDArray weight(String key) {
        return getParam(key).castTo(dataType);
    }

    /** The bias, then the gains of a cell with layer normalisation: the vector a kernel reads as its b. */
    public INDArray biasAndGains() {
        return RecurrentParams.biasAndGains(layerConf(), params());
    }

    private INDArray bias() {
        INDArray p = params();
        if (biasViewOf != p) {
            biasView = RecurrentParams.biasAndGains(layerConf(), p);
            biasViewOf = p;
        }
        return biasView.castTo(dataType);
    }

    private INDArray biasGradient() {
        if (biasGradientViewOf != gradientsFlattened) {
            biasGradientView = RecurrentParams.biasAndGains(layerConf(), gradientsFlattened);
            biasGradientViewOf = gradientsFlattened;
        }
        return biasGradientView;
    }
}
