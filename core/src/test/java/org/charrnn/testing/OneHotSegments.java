package org.charrnn.testing;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/** Random one-hot minibatches for the model tests: {features, labels}, each NCW [batch, vocab, time]. */
public final class OneHotSegments {
    private OneHotSegments() {}

    public static INDArray[] random(Random r, DataType type, int batch, int vocab, int time) {
        INDArray f = Nd4j.zeros(type, batch, vocab, time);
        INDArray l = Nd4j.zeros(type, batch, vocab, time);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) {
                f.putScalar(new long[]{b, r.nextInt(vocab), t}, 1.0);
                l.putScalar(new long[]{b, r.nextInt(vocab), t}, 1.0);
            }
        }
        return new INDArray[]{f, l};
    }
}
