package org.charrnn.checkpoint;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Carried hidden state ⇄ JSON-friendly base64 float32 (exact for float networks). */
public final class CarriedStateCodec {
    private CarriedStateCodec() {}

    /** Layer name → {h} or {h, c} (an LSTM's cell state), each [batch, size]. */
    public static Map<String, TrainingState.CarriedArrays> encode(Map<String, INDArray[]> state) {
        Map<String, TrainingState.CarriedArrays> out = new LinkedHashMap<>();
        state.forEach((layer, s) -> out.put(layer, new TrainingState.CarriedArrays((int) s[0].size(0),
                (int) s[0].size(1), base64(s[0]), s.length > 1 ? base64(s[1]) : null)));
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

    private static String base64(INDArray a) {
        float[] v = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return Base64.getEncoder().encodeToString(b.array());
    }

    private static INDArray array(String base64, int batch, int size) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        if (bytes.length != (long) batch * size * 4) {
            throw new IllegalArgumentException("carried state holds " + bytes.length + " bytes, expected " + batch * size * 4);
        }
        float[] v = new float[batch * size];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return Nd4j.create(v, new long[]{batch, size}, 'c');
    }
}
