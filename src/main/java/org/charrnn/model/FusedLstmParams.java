package org.charrnn.model;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters of {@link FusedLstm}: W = Wx [nIn, 4n], RW = Wr [n, 4n], b [1, 4n], gate blocks
 * i, f, g, o (the native op's and PyTorch's order). char-rnn's init: everything uniform in
 * [-init_range, init_range], then the forget-gate bias block set to forget_bias.
 */
public final class FusedLstmParams implements ParamInitializer {
    public static final String INPUT_WEIGHTS = "W";
    public static final String RECURRENT_WEIGHTS = "RW";
    public static final String BIAS = "b";
    private static final FusedLstmParams INSTANCE = new FusedLstmParams();

    public static FusedLstmParams getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        FusedLstm c = (FusedLstm) layer;
        long n = c.getNOut();
        return c.getNIn() * 4 * n + n * 4 * n + 4 * n;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.of(INPUT_WEIGHTS, RECURRENT_WEIGHTS, BIAS);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(INPUT_WEIGHTS, RECURRENT_WEIGHTS);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of(BIAS);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return INPUT_WEIGHTS.equals(key) || RECURRENT_WEIGHTS.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        FusedLstm c = (FusedLstm) conf.getLayer();
        Map<String, INDArray> m = views(paramsView, c.getNIn(), c.getNOut());
        if (initializeParams) {
            double r = c.getInitRange();
            INDArray flat = paramsView.reshape(paramsView.length());
            flat.assign(Nd4j.rand(paramsView.dataType(), flat.shape()).muli(2 * r).subi(r));
            long n = c.getNOut();
            m.get(BIAS).get(NDArrayIndex.point(0), NDArrayIndex.interval(n, 2 * n)).assign(c.getForgetGateBiasInit());
        }
        for (String k : m.keySet()) conf.addVariable(k);
        return m;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        FusedLstm c = (FusedLstm) conf.getLayer();
        return views(gradientView, c.getNIn(), c.getNOut());
    }

    /**
     * Our gate blocks (i, f, g, o) rearranged into DL4J's stock LSTM order. LSTMHelpers reads the
     * column blocks of W, RW and b as: [0,n) the cell input g (layer activation, tanh), [n,2n) the
     * forget gate f, [2n,3n) the output gate o, [3n,4n) the input gate i (all gates sigmoid). So
     * stock block k = our block {2, 1, 3, 0}[k]. Works on any [rows, 4n] matrix.
     */
    public static INDArray toStockGateOrder(INDArray ours) {
        long n = ours.size(1) / 4;
        int[] fromOurs = {2, 1, 3, 0};
        INDArray out = ours.dup('c');
        for (int k = 0; k < 4; k++) {
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(k * n, (k + 1) * n))
                    .assign(ours.get(NDArrayIndex.all(), NDArrayIndex.interval(fromOurs[k] * n, (fromOurs[k] + 1) * n)));
        }
        return out;
    }

    private static Map<String, INDArray> views(INDArray flatView, long nIn, long n) {
        INDArray flat = flatView.reshape(flatView.length());
        long wx = nIn * 4 * n;
        long wr = n * 4 * n;
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(INPUT_WEIGHTS, flat.get(NDArrayIndex.interval(0, wx)).reshape('c', nIn, 4 * n));
        m.put(RECURRENT_WEIGHTS, flat.get(NDArrayIndex.interval(wx, wx + wr)).reshape('c', n, 4 * n));
        m.put(BIAS, flat.get(NDArrayIndex.interval(wx + wr, wx + wr + 4 * n)).reshape('c', 1, 4 * n));
        return m;
    }
}
