package org.charrnn.model.kernel;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.cpu.nativecpu.DirectShapeInfoProvider;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class ShapeInfoCacheTest {
    private static final long[] SHAPE = {3, 4, 5};
    private static final long[] STRIDE = {20, 5, 1};

    @Test
    void nd4jsOwnProviderMakesANewBufferForEveryArrayAndOursDoesNot() {
        var stock = new DirectShapeInfoProvider();
        var a = stock.createShapeInformation(SHAPE, STRIDE, 1, 'c', DataType.FLOAT, false).getFirst();
        var b = stock.createShapeInformation(SHAPE, STRIDE, 1, 'c', DataType.FLOAT, false).getFirst();
        assertNotSame(a, b, "ND4J M2.1 caches this overload now: ShapeInfoCache may be retired");

        var ours = new ShapeInfoCache();
        var c = ours.createShapeInformation(SHAPE, STRIDE, 1, 'c', DataType.FLOAT, false);
        assertSame(c, ours.createShapeInformation(SHAPE.clone(), STRIDE.clone(), 1, 'c', DataType.FLOAT, false));
        assertArrayEquals(a.asLong(), c.getFirst().asLong(), "the same shape information as ND4J's");
        assertEquals(1, ours.size());
    }

    @Test
    void shapesThatDifferInAnyPartAreKeptApart() {
        var ours = new ShapeInfoCache();
        var base = ours.createShapeInformation(SHAPE, STRIDE, 1, 'c', DataType.FLOAT, false).getFirst();
        assertNotSame(base, ours.createShapeInformation(SHAPE, STRIDE, 1, 'c', DataType.DOUBLE, false).getFirst());
        assertNotSame(base, ours.createShapeInformation(SHAPE, new long[]{1, 3, 12}, 0, 'f', DataType.FLOAT, false).getFirst());
        assertNotSame(base, ours.createShapeInformation(SHAPE, STRIDE, -1, 'c', DataType.FLOAT, false).getFirst());
        assertNotSame(base, ours.createShapeInformation(new long[]{3, 20}, new long[]{20, 1}, 1, 'c', DataType.FLOAT, false).getFirst());
        assertNotSame(base, ours.createShapeInformation(new long[]{3, 4, 0}, new long[]{0, 0, 1}, 1, 'c', DataType.FLOAT, true).getFirst());
        assertEquals(6, ours.size());
        assertEquals(DataType.DOUBLE, Nd4j.create(DataType.DOUBLE, SHAPE).dataType(), "a type is part of the key, not taken from the first");
    }

    @Test
    void viewsOfTheSameShapeShareOneBufferAndStillComputeTheirOwnValues() {
        assertInstanceOf(ShapeInfoCache.class, Nd4j.getShapeInfoProvider(), "the build's test JVM runs ND4J as the product does");
        INDArray x = Nd4j.arange(60).castTo(DataType.FLOAT).reshape(3, 4, 5);
        INDArray y = x.mul(2);
        INDArray px = x.permute(2, 0, 1);
        INDArray py = y.permute(2, 0, 1);
        assertSame(px.shapeInfoDataBuffer(), py.shapeInfoDataBuffer());
        assertEquals(x.getFloat(1, 2, 3) * 2, py.getFloat(3, 1, 2), 0f);
        assertEquals(px.dup('c').mul(2), py.dup('c'));
        assertEquals(y.sum(2), x.sum(2).mul(2));
    }
}
