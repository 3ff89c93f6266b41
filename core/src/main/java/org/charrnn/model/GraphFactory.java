package org.charrnn.model;

import org.charrnn.model.kernel.ShapeInfoCache;
import org.charrnn.config.ModelConfig;
import org.charrnn.config.Optimization;
import org.charrnn.data.Encoding;
import org.charrnn.data.InputEncoding;
import org.charrnn.model.output.SoftmaxOutputConfig;
import org.charrnn.model.output.SoftmaxOutputLayer;
import org.charrnn.model.gru.GruLayerConfig;
import org.charrnn.model.layer.RecurrentLayerConfig;
import org.charrnn.model.layer.RecurrentLayer;
import org.charrnn.model.lstm.LstmLayerConfig;
import org.charrnn.model.rnn.RnnLayerConfig;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Builds the network a config describes: [embedding] → num_layers recurrent layers → softmax
 * output, with dropout on the input of every layer after the first recurrent one (char-rnn's
 * placement). The recurrent core is chosen here and nowhere else.
 */
public final class GraphFactory {
    public static final String INPUT = "chars";
    public static final String OUTPUT = "out";

    static {
        ShapeInfoCache.install(); // a library user's first model: before ND4J starts, if it has not
    }

    private GraphFactory() {}

    public static ComputationGraph build(ModelConfig model, Optimization train, int vocabularySize) {
        return build(model, train, vocabularySize, DataType.FLOAT);
    }

    public static ComputationGraph build(ModelConfig model, Optimization train, int vocabularySize, DataType dataType) {
        ComputationGraph graph = new ComputationGraph(configuration(model, train, vocabularySize, dataType));
        graph.init();
        return graph;
    }

    public static ComputationGraphConfiguration configuration(ModelConfig model, Optimization train, int vocabularySize,
                                                              DataType dataType) {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(train.seed())
                .dataType(dataType)
                .updater(updater(train, train.learningRate()))
                .weightInit(new WeightInitDistribution(new UniformDistribution(-model.initRange(), model.initRange())))
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
        if (train.gradClip() > 0) {
            base.gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
                    .gradientNormalizationThreshold(train.gradClip());
        }
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder().addInputs(INPUT);
        String previous = INPUT;
        long width = vocabularySize;
        if (model.embeddingSize() > 0) {
            g.addLayer("embed", new EmbeddingSequenceLayer.Builder().nIn(vocabularySize).nOut(model.embeddingSize())
                    .inputLength(-1).outputDataFormat(RNNFormat.NCW).build(), previous);
            previous = "embed";
            width = model.embeddingSize();
        }
        for (int i = 0; i < model.numLayers(); i++) {
            Layer layer = recurrentLayer(model, width, i > 0 ? model.dropout() : 0, previous.equals(INPUT));
            String name = "rnn" + i;
            g.addLayer(name, layer, previous);
            previous = name;
            width = model.rnnSize();
        }
        g.addLayer(OUTPUT, SoftmaxOutputConfig.of(width, vocabularySize, model.dropout() > 0 ? new Dropout(1 - model.dropout()) : null),
                previous);
        return g.setOutputs(OUTPUT).backpropType(BackpropType.Standard).build();
    }

    /**
     * The recurrent core for one layer: our cell of the configured type (LSTM, GRU, RNN), or for
     * comparison DL4J's stock LSTM or SimpleRnn (state reset every minibatch; DL4J has no GRU).
     */
    private static Layer recurrentLayer(ModelConfig m, long nIn, double dropout, boolean readsNetworkInput) {
        Layer layer;
        if (m.core() == ModelConfig.Core.STOCK) {
            layer = switch (m.type()) {
                case LSTM -> new LSTM.Builder().nIn(nIn).nOut(m.rnnSize()).activation(Activation.TANH)
                        .gateActivationFunction(Activation.SIGMOID).forgetGateBiasInit(m.forgetBias())
                        .dataFormat(RNNFormat.NCW).build();
                case RNN -> new SimpleRnn.Builder().nIn(nIn).nOut(m.rnnSize()).activation(Activation.TANH)
                        .dataFormat(RNNFormat.NCW).build();
                case GRU -> throw new IllegalArgumentException("DL4J has no stock gru layer");
            };
        } else {
            RecurrentLayerConfig.Builder<?> b = switch (m.type()) {
                case LSTM -> new LstmLayerConfig.Builder().forgetGateBiasInit(m.forgetBias()).layerNorm(m.layerNorm());
                case GRU -> new GruLayerConfig.Builder().layerNorm(m.layerNorm());
                case RNN -> new RnnLayerConfig.Builder();
            };
            layer = b.initRange(m.initRange()).bf16(org.charrnn.model.kernel.KernelChoice.bf16(m.precision())).backpropToInput(!readsNetworkInput).readsIndices(readsNetworkInput)
                    .nIn(nIn).nOut(m.rnnSize()).dataFormat(RNNFormat.NCW).build();
        }
        if (dropout > 0) layer.setIDropout(new Dropout(1 - dropout)); // DL4J's argument is the keep probability
        return layer;
    }

    /** The optimizer at a given learning rate (the trainer changes the rate as it decays). */
    public static IUpdater updater(Optimization t, double learningRate) {
        return switch (t.optimizer()) {
            case ADAM -> new Adam(learningRate);
            case ADAGRAD -> new AdaGrad(learningRate, 1e-8); // min-char-rnn's epsilon (DL4J's default is 1e-6)
            case SGD -> new Sgd(learningRate);
            case RMSPROP -> new RmsProp(learningRate, t.decayRate(), RmsProp.DEFAULT_RMSPROP_EPSILON);
        };
    }

    /**
     * How a built graph (or one loaded from a checkpoint) takes its data: indices into an embedding or
     * our first recurrent layer, else one-hot; labels as indices for our output layer, else one-hot.
     */
    public static Encoding encoding(ComputationGraph graph) {
        String first = graph.getConfiguration().getTopologicalOrderStr().get(1);
        org.deeplearning4j.nn.api.Layer firstLayer = graph.getLayer(first);
        boolean indexIn = firstLayer instanceof org.deeplearning4j.nn.layers.feedforward.embedding.EmbeddingSequenceLayer
                || firstLayer instanceof RecurrentLayer f && f.cell().isReadsIndices();
        boolean indexOut = graph.getLayer(OUTPUT) instanceof SoftmaxOutputLayer;
        return new Encoding(indexIn ? InputEncoding.INDEX : InputEncoding.ONE_HOT, indexOut ? InputEncoding.INDEX : InputEncoding.ONE_HOT);
    }

    /** "fused" (our cells) or "stock" (DL4J's LSTM or SimpleRnn): which recurrent core a built graph uses. */
    public static String coreOf(ComputationGraph graph) {
        for (org.deeplearning4j.nn.api.Layer l : graph.getLayers()) {
            if (l instanceof RecurrentLayer) return "fused";
            if (l instanceof org.deeplearning4j.nn.layers.recurrent.LSTM) return "stock";
            if (l instanceof org.deeplearning4j.nn.layers.recurrent.SimpleRnn) return "stock";
        }
        return "unknown";
    }
}
