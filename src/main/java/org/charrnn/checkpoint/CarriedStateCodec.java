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

    public static Map<String, TrainingState.CarriedArrays> encode(Map<String, INDArray[]> state) {
        Map<String, TrainingState.CarriedArrays> out = new LinkedHashMap<>();
        state.forEach((layer, hc) -> out.put(layer, new TrainingState.CarriedArrays((int) hc[0].size(0),
                (int) hc[0].size(1), base64(hc[0]), base64(hc[1]))));
        return out;
    }

    public static Map<String, INDArray[]> decode(Map<String, TrainingState.CarriedArrays> state) {
        Map<String, INDArray[]> out = new LinkedHashMap<>();
        state.forEach((layer, a) -> out.put(layer, new INDArray[]{array(a.h(), a.batch(), a.size()),
                array(a.c(), a.batch(), a.size())}));
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
