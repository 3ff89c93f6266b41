package org.charrnn.model.layer;

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
 * Parameters of every {@link RecurrentLayerConfig} cell: W = Wx [nIn, G·n], RW = Wr [n, G·n],
 * b [1, biasLength(n)], in one flat view in that order. char-rnn's init: everything uniform in
 * [-init_range, init_range], then the cell's own bias values ({@link RecurrentLayerConfig#initBias}).
 */
public final class RecurrentParams implements ParamInitializer {
    public static final String INPUT_WEIGHTS = "W";
    public static final String RECURRENT_WEIGHTS = "RW";
    public static final String BIAS = "b";
    private static final RecurrentParams INSTANCE = new RecurrentParams();

    public static RecurrentParams getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        RecurrentLayerConfig c = (RecurrentLayerConfig) layer;
        long n = c.getNOut();
        return (c.getNIn() + n) * c.gateBlocks() * n + c.biasLength(n);
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
        RecurrentLayerConfig c = (RecurrentLayerConfig) conf.getLayer();
        Map<String, INDArray> m = views(c, paramsView);
        if (initializeParams) {
            double r = c.getInitRange();
            INDArray flat = paramsView.reshape(paramsView.length());
            flat.assign(Nd4j.rand(paramsView.dataType(), flat.shape()).muli(2 * r).subi(r));
            c.initBias(m.get(BIAS), c.getNOut());
        }
        for (String k : m.keySet()) conf.addVariable(k);
        return m;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((RecurrentLayerConfig) conf.getLayer(), gradientView);
    }

    private static Map<String, INDArray> views(RecurrentLayerConfig c, INDArray flatView) {
        long nIn = c.getNIn();
        long n = c.getNOut();
        long g = c.gateBlocks() * n;
        INDArray flat = flatView.reshape(flatView.length());
        long wx = nIn * g;
        long wr = n * g;
        long b = c.biasLength(n);
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(INPUT_WEIGHTS, flat.get(NDArrayIndex.interval(0, wx)).reshape('c', nIn, g));
        m.put(RECURRENT_WEIGHTS, flat.get(NDArrayIndex.interval(wx, wx + wr)).reshape('c', n, g));
        m.put(BIAS, flat.get(NDArrayIndex.interval(wx + wr, wx + wr + b)).reshape('c', 1, b));
        return m;
    }
}
