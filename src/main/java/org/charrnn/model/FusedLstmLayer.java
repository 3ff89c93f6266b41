package org.charrnn.model;

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

/**
 * Our LSTM layer. Unlike DL4J's stock LSTM it trains with truncated BPTT across minibatches the
 * way char-rnn does, with exact gradients:
 * <ul>
 *   <li>a training forward pass starts from the <em>carried</em> state (the state the previous
 *   minibatch of the same streams ended in), treated as a constant input;</li>
 *   <li>the backward pass differentiates exactly that forward pass (DL4J's stock layer recomputes
 *   its forward from zero state and so mixes two different forwards);</li>
 *   <li>the carried state advances only when the trainer says so ({@link #commitCarriedState()}),
 *   so scoring, gradient checks and validation never disturb it.</li>
 * </ul>
 * {@code rnnTimeStep} (validation, sampling) keeps its own state in DL4J's stateMap, as usual.
 * Input and output are NCW [batch, features, time]; the kernel works time-major [time, batch, features],
 * in copies that are reused from minibatch to minibatch. A first layer reading the network's input
 * ({@link FusedLstm#isBackpropToInput()} false) returns no input gradient, as DL4J's embedding layers do.
 */
public class FusedLstmLayer extends BaseRecurrentLayer<FusedLstm> {
    private static final String STATE_H = "h";
    private static final String STATE_C = "c";

    /** Training keeps its activations in its kernel's buffers for backprop; inference must not touch them. */
    private final LstmKernel trainingKernel;
    private final LstmKernel inferenceKernel;

    /** Time-major copies, reused from minibatch to minibatch (training and inference apart). */
    private final ReusableArray trainingInput = new ReusableArray();
    private final ReusableArray trainingOutput = new ReusableArray();
    private final ReusableArray inferenceInput = new ReusableArray();
    private final ReusableArray inferenceOutput = new ReusableArray();
    private final ReusableArray outputGradient = new ReusableArray();
    private final ReusableArray inputGradient = new ReusableArray();

    /** The state the next training minibatch starts from; null = zeros. */
    private INDArray carriedH;
    private INDArray carriedC;

    /** What the last training forward saw and produced, for its backward pass and for commit. */
    private INDArray lastX;
    private INDArray lastH0;
    private INDArray lastC0;
    private INDArray pendingH;
    private INDArray pendingC;

    public FusedLstmLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        this.trainingKernel = LstmKernels.forDataType(dataType);
        this.inferenceKernel = LstmKernels.forDataType(dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        long batch = input.size(0);
        if (!training) {
            return forward(null, null, false, workspaceMgr).activations;
        }
        boolean carried = carriedH != null && carriedH.size(0) == batch;
        return forward(carried ? carriedH : null, carried ? carriedC : null, true, workspaceMgr).activations;
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        Step s = forward(stateMap.get(STATE_H), stateMap.get(STATE_C), false, workspaceMgr);
        stateMap.put(STATE_H, s.hLast);
        stateMap.put(STATE_C, s.cLast);
        return s.activations;
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
                                                LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        applyDropOutIfNecessary(training, workspaceMgr);
        Step s = forward(tBpttStateMap.get(STATE_H), tBpttStateMap.get(STATE_C), training, workspaceMgr);
        if (storeLastForTBPTT) {
            tBpttStateMap.put(STATE_H, s.hLast);
            tBpttStateMap.put(STATE_C, s.cLast);
        }
        return s.activations;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (lastX == null) throw new IllegalStateException("backprop without a training forward pass " + layerId());
        long nIn = layerConf().getNIn();
        boolean wantInputGradient = layerConf().isBackpropToInput();
        long time = epsilon.size(2);
        long batch = epsilon.size(0);
        long n = layerConf().getNOut();
        INDArray dLdh = outputGradient.get(dataType, time, batch, n).assign(epsilon.castTo(dataType).permute(2, 0, 1));
        INDArray dx = wantInputGradient ? inputGradient.get(dataType, lastX.shape()) : null;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            // The kernel writes straight into the flattened gradient's views (C-order, contiguous).
            trainingKernel.backward(lastX, weight(FusedLstmParams.INPUT_WEIGHTS), weight(FusedLstmParams.RECURRENT_WEIGHTS),
                    bias(), lastH0, lastC0, dLdh, dx, gradientViews.get(FusedLstmParams.INPUT_WEIGHTS),
                    gradientViews.get(FusedLstmParams.RECURRENT_WEIGHTS), gradientViews.get(FusedLstmParams.BIAS));
        }
        Gradient g = new DefaultGradient(gradientsFlattened);
        for (String key : FusedLstmParams.getInstance().paramKeys(layerConf())) {
            g.gradientForVariable().put(key, gradientViews.get(key));
        }
        if (dx == null) {
            // The input is the network's data: no gradient for it, as DL4J's own embedding layers do.
            return new Pair<>(g, null);
        }
        INDArray epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[]{dx.size(1), nIn, dx.size(0)}, 'c');
        epsOut.assign(dx.permute(1, 2, 0));
        epsOut = backpropDropOutIfPresent(epsOut);
        return new Pair<>(g, epsOut);
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength,
                                                          LayerWorkspaceMgr workspaceMgr) {
        return backpropGradient(epsilon, workspaceMgr);
    }

    /** Makes the state the last training forward pass ended in the start of the next one. */
    public void commitCarriedState() {
        carriedH = pendingH;
        carriedC = pendingC;
    }

    public void clearCarriedState() {
        carriedH = null;
        carriedC = null;
        pendingH = null;
        pendingC = null;
    }

    /** {h, c}, each [batch, n], or null when the next minibatch starts from zeros. */
    public INDArray[] carriedState() {
        return carriedH == null ? null : new INDArray[]{carriedH.dup(), carriedC.dup()};
    }

    public void setCarriedState(INDArray h, INDArray c) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            carriedH = h.castTo(dataType).dup('c');
            carriedC = c.castTo(dataType).dup('c');
        }
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

    private record Step(INDArray activations, INDArray hLast, INDArray cLast) {}

    /** Runs the kernel from (h0, c0) (null = zeros); for training, keeps what backprop and commit need. */
    private Step forward(INDArray h0, INDArray c0, boolean training, LayerWorkspaceMgr workspaceMgr) {
        long batch = input.size(0);
        long time = input.size(2);
        long n = layerConf().getNOut();
        INDArray h;
        INDArray hLast;
        INDArray cLast;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            long nIn = input.size(1);
            INDArray x = (training ? trainingInput : inferenceInput).get(dataType, time, batch, nIn)
                    .assign(input.castTo(dataType).permute(2, 0, 1));
            INDArray hInit = h0 != null ? h0 : Nd4j.zeros(dataType, batch, n);
            INDArray cInit = c0 != null ? c0 : Nd4j.zeros(dataType, batch, n);
            h = (training ? trainingOutput : inferenceOutput).get(dataType, time, batch, n);
            hLast = Nd4j.createUninitialized(dataType, batch, n);
            cLast = Nd4j.createUninitialized(dataType, batch, n);
            (training ? trainingKernel : inferenceKernel).forward(x, weight(FusedLstmParams.INPUT_WEIGHTS),
                    weight(FusedLstmParams.RECURRENT_WEIGHTS), bias(), hInit, cInit, h, hLast, cLast);
            if (training) {
                lastX = x;
                lastH0 = hInit;
                lastC0 = cInit;
                pendingH = hLast;
                pendingC = cLast;
            }
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[]{batch, n, time}, 'c');
        out.assign(h.permute(1, 2, 0));
        return new Step(out, hLast, cLast);
    }

    private INDArray weight(String key) {
        return getParam(key).castTo(dataType);
    }

    private INDArray bias() {
        INDArray b = getParam(FusedLstmParams.BIAS).castTo(dataType);
        return b.reshape(b.length());
    }
}
