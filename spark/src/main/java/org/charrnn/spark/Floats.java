package org.charrnn.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Weights or a gradient on their way between driver and workers. Java serialization writes a
 * float[] one float at a time; this writes its bytes in one block, which is most of what a step
 * moves (the model's size, twice per worker).
 */
final class Floats implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private transient float[] values;

    Floats(float[] values) {
        this.values = values;
    }

    float[] values() {
        return values;
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
        byte[] bytes = new byte[values.length * Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        out.writeInt(values.length);
        out.write(bytes);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException {
        int n = in.readInt();
        byte[] bytes = in.readNBytes(n * Float.BYTES);
        if (bytes.length != n * Float.BYTES) throw new IOException("a float array cut short: " + bytes.length + " of " + n * Float.BYTES + " bytes");
        values = new float[n];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    }
}
