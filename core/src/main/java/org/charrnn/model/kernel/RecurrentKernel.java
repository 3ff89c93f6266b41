package org.charrnn.model.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The arithmetic of one recurrent layer over a segment, in time-major layout: x [T, B, nIn] →
 * h [T, B, n]. Parameters are Wx [nIn, G·n], Wr [n, G·n] and a bias vector, laid out as each cell
 * documents. The initial state (h0, and c0 for an LSTM) is an input that the gradient does not flow
 * back through: exactly truncated BPTT with the state carried from the previous segment.
 * Implementations keep what the forward pass computed for the backward pass: not thread-safe, one per layer.
 */
public interface RecurrentKernel {

    /**
     * x [T, B, nIn], state0 = the cell's state arrays, each [B, n] → h [T, B, n] and stateLast, each
     * [B, n] (all preallocated by the caller, C order).
     */
    void forward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray h, INDArray[] stateLast);

    /**
     * Given dL/dh [T, B, n] for the same segment and initial state as the last {@link #forward},
     * writes dL/dx [T, B, nIn] (unless {@code dx} is null: nobody wants it) and overwrites dWx, dWr, db.
     */
    void backward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray dLdh,
                  INDArray dx, INDArray dWx, INDArray dWr, INDArray db);

    /**
     * True when x may also be character indices, [T, B, 1] against Wx [V, G·n] (see {@link InputProjection});
     * otherwise the layer hands such input over as one-hot rows.
     */
    default boolean acceptsIndices() {
        return false;
    }
}
