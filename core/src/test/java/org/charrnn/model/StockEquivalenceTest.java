package org.charrnn.model;

import org.charrnn.config.RunConfig;
import org.charrnn.config.ConfigLoader;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Given the same weights (gate blocks mapped), our LSTM computes what DL4J's stock LSTM computes. */
class StockEquivalenceTest {
    @Test
    void sameWeightsSameOutputsAsDl4jsStockLstm() {
        int vocab = 11;
        RunConfig f = ConfigLoader.of("model.rnn_size=12", "model.init_range=0.5", "train.seed=5");
        RunConfig s = ConfigLoader.of("model.rnn_size=12", "model.init_range=0.5", "train.seed=5", "model.core=stock");
        ComputationGraph fused = GraphFactory.build(f.model(), f.train().optimization(), vocab);
        ComputationGraph stock = GraphFactory.build(s.model(), s.train().optimization(), vocab);
        for (String layer : new String[]{"rnn0", "rnn1"}) {
            for (String key : new String[]{"W", "RW", "b"}) {
                stock.getLayer(layer).getParam(key).assign(toStockGateOrder(fused.getLayer(layer).getParam(key)));
            }
        }
        stock.getLayer("out").setParams(fused.getLayer("out").params().dup());
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, vocab, 9);
        INDArray a = fused.outputSingle(x);
        INDArray b = stock.outputSingle(x);
        double diff = a.sub(b).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "largest output difference " + diff);
        INDArray shuffled = Nd4j.rand(DataType.FLOAT, fused.getLayer("rnn0").getParam("W").shape());
        stock.getLayer("rnn0").getParam("W").assign(shuffled); // and the check has teeth:
        assertTrue(fused.outputSingle(x).sub(stock.outputSingle(x)).amaxNumber().doubleValue() > 1e-3);
    }

    /**
     * Our gate blocks (i, f, g, o) rearranged into DL4J's stock LSTM order. LSTMHelpers reads the
     * column blocks of W, RW and b as: [0,n) the cell input g (layer activation, tanh), [n,2n) the
     * forget gate f, [2n,3n) the output gate o, [3n,4n) the input gate i (all gates sigmoid). So
     * stock block k = our block {2, 1, 3, 0}[k]. Works on any [rows, 4n] matrix.
     */
    private static INDArray toStockGateOrder(INDArray ours) {
        long n = ours.size(1) / 4;
        int[] fromOurs = {2, 1, 3, 0};
        INDArray out = ours.dup('c');
        for (int k = 0; k < 4; k++) {
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(k * n, (k + 1) * n))
                    .assign(ours.get(NDArrayIndex.all(), NDArrayIndex.interval(fromOurs[k] * n, (fromOurs[k] + 1) * n)));
        }
        return out;
    }
}
