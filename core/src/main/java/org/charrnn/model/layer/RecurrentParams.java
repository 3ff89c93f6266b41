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
 * b [1, biasLength(n)] and, for a cell with layer normalisation, g [1, gainLength(n)] (its gains),
 * in one flat view in that order: b and g are adjacent, and a kernel reads them as one vector
 * ({@link #biasAndGains}). char-rnn's init: everything uniform in [-init_range, init_range], then the
 * cell's own bias values ({@link RecurrentLayerConfig#initBias}); gains start at 1.
 */
public final class RecurrentParams implements ParamInitializer {
    public static final String INPUT_WEIGHTS = "W";
    public static final String RECURRENT_WEIGHTS = "RW";
    public static final String BIAS = "b";
    public static final String GAINS = "g";
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
        return (c.getNIn() + n) * c.gateBlocks() * n + c.biasLength(n) + c.gainLength(n);
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        RecurrentLayerConfig c = (RecurrentLayerConfig) layer;
        return c.gainLength(c.getNOut()) > 0 ? List.of(INPUT_WEIGHTS, RECURRENT_WEIGHTS, BIAS, GAINS)
                : List.of(INPUT_WEIGHTS, RECURRENT_WEIGHTS, BIAS);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(INPUT_WEIGHTS, RECURRENT_WEIGHTS);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of(BIAS); // gains are neither weights nor biases: no regularization applies to them
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
            if (m.containsKey(GAINS)) c.initGains(m.get(GAINS), c.getNOut());
        }
        for (String k : m.keySet()) conf.addVariable(k);
        return m;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((RecurrentLayerConfig) conf.getLayer(), gradientView);
    }

    /** The bias and the gains as one vector [biasLength + gainLength]: the kernels' b (a view of the flat params or gradients). */
    public static INDArray biasAndGains(RecurrentLayerConfig c, INDArray flatView) {
        long n = c.getNOut();
        long from = (c.getNIn() + n) * c.gateBlocks() * n;
        INDArray flat = flatView.reshape(flatView.length());
        return flat.get(NDArrayIndex.interval(from, from + c.biasLength(n) + c.gainLength(n)));
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
        long gains = c.gainLength(n);
        if (gains > 0) m.put(GAINS, flat.get(NDArrayIndex.interval(wx + wr + b, wx + wr + b + gains)).reshape('c', 1, gains));
        return m;
    }
}
