package org.charrnn.checkpoint;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

/** Carried hidden state as the network holds it (ND4J arrays) ⇄ as the training state keeps it (plain float arrays). */
public final class CarriedStateCodec {
    private CarriedStateCodec() {}

    /** Layer name → {h} or {h, c} (an LSTM's cell state), each [batch, size]. */
    public static Map<String, TrainingState.CarriedArrays> encode(Map<String, INDArray[]> state) {
        Map<String, TrainingState.CarriedArrays> out = new LinkedHashMap<>();
        state.forEach((layer, s) -> out.put(layer, new TrainingState.CarriedArrays((int) s[0].size(0),
                (int) s[0].size(1), floats(s[0]), s.length > 1 ? floats(s[1]) : null)));
        return out;
    }

    public static Map<String, INDArray[]> decode(Map<String, TrainingState.CarriedArrays> state) {
        Map<String, INDArray[]> out = new LinkedHashMap<>();
        state.forEach((layer, a) -> {
            if (a.h() == null) throw new IllegalArgumentException("carried state of " + layer + " has no h");
            INDArray h = array(a.h(), a.batch(), a.size());
            out.put(layer, a.c() == null ? new INDArray[]{h} : new INDArray[]{h, array(a.c(), a.batch(), a.size())});
        });
        return out;
    }

    private static float[] floats(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    private static INDArray array(float[] v, int batch, int size) {
        if (v.length != (long) batch * size) {
            throw new IllegalArgumentException("carried state holds " + v.length + " values, expected " + (long) batch * size);
        }
        return Nd4j.create(v.clone(), new long[]{batch, size}, 'c');
    }
}
