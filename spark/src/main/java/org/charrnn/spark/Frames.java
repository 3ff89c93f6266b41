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
 * 1 KiB blocks at a fraction of the socket's speed; here they go between an ND4J array's own buffer
 * and the socket with no copy in between.
 */
final class Frames {
    /** A message's header as read; its body, {@code floats} of them, is read next with {@link #readBody}. */
    record Header(Object value, int floats) {}

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final ByteBuffer lengths = ByteBuffer.allocateDirect(Integer.BYTES * 2).order(ByteOrder.LITTLE_ENDIAN);

    Frames(SocketChannel channel) {
        this.channel = channel;
    }

    SocketChannel channel() {
        return channel;
    }

    /** A message with no floats. */
    void write(Serializable header) throws IOException {
        write(header, EMPTY);
    }

    /**
     * Writes a header and a body of floats (bytes in native order, from its position to its limit, e.g. a
     * view of an ND4J array's buffer); the body's own position is left as it was, so one body can go to
     * many channels.
     */
    void write(Serializable header, ByteBuffer body) throws IOException {
        byte[] h = serialize(header);
        ByteBuffer b = body.duplicate();
        lengths.clear();
        lengths.putInt(h.length).putInt(b.remaining() / Float.BYTES).flip();
        ByteBuffer[] parts = {lengths, ByteBuffer.wrap(h), b};
        while (b.hasRemaining() || parts[1].hasRemaining() || lengths.hasRemaining()) channel.write(parts);
    }

    Header readHeader() throws IOException, ClassNotFoundException {
        lengths.clear();
        fill(lengths);
        lengths.flip();
        int headerBytes = lengths.getInt();
        int count = lengths.getInt();
        if (headerBytes < 0 || count < 0) throw new IOException("a message with a negative length: not one of ours");
        ByteBuffer h = ByteBuffer.allocate(headerBytes);
        fill(h);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(h.array()))) {
            return new Header(in.readObject(), count);
        }
    }

    /** Reads the body of {@code header} into {@code target} (exactly its floats, e.g. a view of an ND4J array's buffer). */
    void readBody(Header header, ByteBuffer target) throws IOException {
        ByteBuffer t = target.duplicate();
        if (t.remaining() != header.floats() * Float.BYTES) {
            throw new IOException("a body of " + header.floats() + " floats for a buffer of " + t.remaining() / Float.BYTES);
        }
        fill(t);
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
