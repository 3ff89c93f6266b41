package org.charrnn.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

/**
 * The messages between the driver and a worker's loop, over a blocking socket channel: a small
 * Java-serialized header (what the message is, the streams, the state) and a raw block of floats
 * (the weights or a gradient), which is most of the bytes. Java serialization would move those in
 * 1 KiB blocks at a fraction of the socket's speed; here they go from a float[] to the socket in one
 * copy, through a buffer each end keeps.
 */
final class Frames {
    /** A message as read: its header and its floats (none when it has none). */
    record Message(Object header, float[] floats) {}

    private final SocketChannel channel;
    private final ByteBuffer lengths = ByteBuffer.allocateDirect(Integer.BYTES * 2).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer floats = ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);

    Frames(SocketChannel channel) {
        this.channel = channel;
    }

    SocketChannel channel() {
        return channel;
    }

    /** {@code values} as a message body: packed once, written to any number of channels (each write takes a view). */
    static ByteBuffer pack(float[] values) {
        ByteBuffer b = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b;
    }

    void write(Serializable header, float[] values) throws IOException {
        int bytes = values.length * Float.BYTES;
        if (floats.capacity() < bytes) floats = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
        floats.clear();
        floats.asFloatBuffer().put(values);
        floats.limit(bytes);
        write(header, floats);
    }

    /** Writes a header and a packed body ({@link #pack}); the body's position and limit are left as they were. */
    void write(Serializable header, ByteBuffer body) throws IOException {
        byte[] h = serialize(header);
        ByteBuffer b = body.duplicate();
        lengths.clear();
        lengths.putInt(h.length).putInt(b.remaining() / Float.BYTES).flip();
        ByteBuffer[] parts = {lengths, ByteBuffer.wrap(h), b};
        while (b.hasRemaining() || parts[1].hasRemaining() || lengths.hasRemaining()) channel.write(parts);
    }

    Message read() throws IOException, ClassNotFoundException {
        lengths.clear();
        fill(lengths);
        lengths.flip();
        int headerBytes = lengths.getInt();
        int count = lengths.getInt();
        if (headerBytes < 0 || count < 0) throw new IOException("a message with a negative length: not one of ours");
        ByteBuffer h = ByteBuffer.allocate(headerBytes);
        fill(h);
        Object header;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(h.array()))) {
            header = in.readObject();
        }
        int bytes = count * Float.BYTES;
        if (floats.capacity() < bytes) floats = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
        floats.clear().limit(bytes);
        fill(floats);
        floats.flip();
        float[] values = new float[count];
        floats.asFloatBuffer().get(values);
        return new Message(header, values);
    }

    private void fill(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) throw new EOFException("the other end closed the connection");
        }
    }

    private static byte[] serialize(Serializable header) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(header);
        }
        return bytes.toByteArray();
    }
}
