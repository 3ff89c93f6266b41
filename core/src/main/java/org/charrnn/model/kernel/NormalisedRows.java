package org.charrnn.model.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * LN(u) of a matrix's rows in ND4J array operations, and what its backward pass needs: the reference
 * kernels' form of {@link RowNorm}, in any data type.
 */
public record NormalisedRows(INDArray value, INDArray inv) {
    public static NormalisedRows of(INDArray u) {
        INDArray centred = u.subColumnVector(u.mean(1).reshape(u.rows(), 1));
        INDArray var = centred.mul(centred).mean(1).reshape(u.rows(), 1);
        INDArray inv = Transforms.pow(var.add(RowNorm.EPSILON), -0.5, false);
        return new NormalisedRows(centred.mulColumnVector(inv), inv);
    }

    /** dL/du from dL/dLN(u). */
    public INDArray backward(INDArray d) {
        INDArray meanGrad = d.mean(1).reshape(d.rows(), 1);
        INDArray meanProduct = d.mul(value).mean(1).reshape(d.rows(), 1);
        return d.subColumnVector(meanGrad).subi(value.mulColumnVector(meanProduct)).muliColumnVector(inv);
    }
}
