package org.charrnn.model.kernel;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.cpu.nativecpu.DirectShapeInfoProvider;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ND4J's shape-info provider with the cache ND4J's own skips. ND4J 1.0.0-M2.1's
 * {@link DirectShapeInfoProvider} caches shape buffers on two of its overloads, but every array and view
 * is built through a third (with the "empty" flag) that asks the native side again and wraps its
 * answer — a buffer the native side already shares — in a fresh Java buffer with its own deallocator,
 * reference and id string. A reshape or permute per minibatch thus left thousands of objects a second
 * for the collector, each kept alive one collection by the deallocator's reference queue, which made
 * the heap grow and every young collection slow. This provider hands out the same Java buffer for the
 * same shape, strides, order, type and flag, as ND4J already does for its other overloads.
 *
 * <p>Installed by {@link #install()} before ND4J starts (ND4J reads its {@code shapeinfoprovider} property
 * once, from the system properties over its backend's file).
 */
public final class ShapeInfoCache extends DirectShapeInfoProvider {
    /** ND4J's property naming the provider class. */
    static final String PROPERTY = "shapeinfoprovider";
    /** Past this many distinct shapes (a program that never repeats one) new shapes go uncached. */
    private static final int MAX_ENTRIES = 20_000;

    private final Map<Key, Pair<DataBuffer, long[]>> cache = new ConcurrentHashMap<>();

    /** Makes ND4J use this provider, unless it has started already or the user named another. */
    public static void install() {
        if (System.getProperty(PROPERTY) == null) System.setProperty(PROPERTY, ShapeInfoCache.class.getName());
    }

    @Override
    public Pair<DataBuffer, long[]> createShapeInformation(long[] shape, long[] stride, long elementWiseStride, char order,
                                                          DataType dataType, boolean empty) {
        Key key = new Key(shape, stride, elementWiseStride, order, dataType, empty);
        Pair<DataBuffer, long[]> known = cache.get(key);
        if (known != null) return known;
        Pair<DataBuffer, long[]> made = super.createShapeInformation(shape, stride, elementWiseStride, order, dataType, empty);
        if (cache.size() < MAX_ENTRIES) {
            Pair<DataBuffer, long[]> raced = cache.putIfAbsent(key, made);
            if (raced != null) return raced;
        }
        return made;
    }

    /** How many shapes are held (for the test). */
    int size() {
        return cache.size();
    }

    private static final class Key {
        private final long[] values;
        private final int hash;

        Key(long[] shape, long[] stride, long elementWiseStride, char order, DataType dataType, boolean empty) {
            values = new long[shape.length + stride.length + 5]; // the length and values[0] give the stride's rank
            values[0] = shape.length;
            System.arraycopy(shape, 0, values, 1, shape.length);
            System.arraycopy(stride, 0, values, 1 + shape.length, stride.length);
            int at = 1 + shape.length + stride.length;
            values[at] = elementWiseStride;
            values[at + 1] = order;
            values[at + 2] = dataType.ordinal();
            values[at + 3] = empty ? 1 : 0;
            hash = Arrays.hashCode(values);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.values, values);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
